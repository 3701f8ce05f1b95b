import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshRollup } from "../../../app/domain/public-list/rollup.server";
import { withdrawSignature } from "../../../app/domain/signatures/manage.server";
import { issueToken } from "../../../app/domain/signatures/tokens.server";
import { userWithSession } from "../../support/auth";
import { setupTestDatabase } from "../../support/db";
import { seedSignatures } from "../../support/public-list";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter } from "../../support/signatures";

// The render cache in front of the real app (decision 015): RENDER_CACHE_SECONDS=5.
const t = setupTestDatabase();
let server: TestServer;
let letter: { letterId: number; versionId: number };
let seeded: Awaited<ReturnType<typeof seedSignatures>>;

beforeAll(async () => {
  letter = await registerCurrentLetter(t.db);
  seeded = await seedSignatures(t.db, letter, [
    ...Array.from({ length: 12 }, (_, i) => ({ name: `Cached Artist ${i}`, country: i % 2 ? "FR" : "GB", approvedSecondsAgo: i * 600 })),
    { name: "Leaving Soon", approvedSecondsAgo: 1 },
  ]);
  await refreshRollup(t.db, letter.letterId);
  server = await startTestServer(t.database, { APP_URL: "http://letters.test", RENDER_CACHE_SECONDS: "5" });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
const stats = () => server.renderStats()!;

describe("the render cache", () => {
  it("renders two concurrent cold requests once, and answers the second with its own nonce and an honest Age", async () => {
    const before = stats();
    const [a, b] = await Promise.all([get("/signatures?country=FR"), get("/signatures?country=FR")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(stats().renders - before.renders).toBe(1);
    expect(stats().hits - before.hits).toBe(1);
    const [htmlA, htmlB] = [await a.text(), await b.text()];
    const nonce = (html: string) => /nonce="([^"]+)"/.exec(html)?.[1];
    const policyNonce = (res: Response) => /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1];
    // Each answer's scripts carry the nonce of its own policy, and the two differ.
    expect(nonce(htmlA)).toBe(policyNonce(a));
    expect(nonce(htmlB)).toBe(policyNonce(b));
    expect(nonce(htmlA)).not.toBe(nonce(htmlB));
    expect(htmlA.replaceAll(nonce(htmlA)!, "")).toBe(htmlB.replaceAll(nonce(htmlB)!, ""));
    expect([a.headers.get("age"), b.headers.get("age")]).toEqual(["0", "0"]);
    expect(a.headers.get("etag")).toBe(b.headers.get("etag"));

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const later = await get("/signatures?country=FR");
    expect(Number(later.headers.get("age"))).toBeGreaterThanOrEqual(1);
    expect(stats().renders - before.renders).toBe(1);
  });

  it("answers a matching If-None-Match on /signatures with a 304 before any render", async () => {
    const first = await get("/signatures?sort=az");
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/"r-/);
    const before = stats();
    const again = await get("/signatures?sort=az", { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(again.headers.get("cache-control")).toBe("public, max-age=0, s-maxage=30, stale-while-revalidate=60");
    expect(await again.text()).toBe("");
    expect(stats().renders).toBe(before.renders);
    expect(stats().notModified - before.notModified).toBe(1);
  });

  it("drops a withdrawn name from /signatures at once, cached or not, and the old ETag no longer matches", async () => {
    const page = await get("/signatures");
    const etag = page.headers.get("etag")!;
    expect(await page.text()).toContain("Leaving Soon");
    expect((await get("/signatures")).headers.get("age")).not.toBeNull(); // served from the cache
    const leaving = seeded.find((s) => s.name === "Leaving Soon")!;
    const { token } = await issueToken(t.db, leaving.id, "manage");
    expect(await withdrawSignature(t.db, token)).toEqual({ status: "withdrawn" });
    // No refresh of the counts yet: the withdrawal's own change moves the tag.
    const after = await get("/signatures", { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(await after.text()).not.toContain("Leaving Soon");
    await refreshRollup(t.db, letter.letterId);
    expect(await (await get("/signatures")).text()).not.toContain("Leaving Soon");
  });

  it("never gives a signed-in moderator a cached body, nor keeps what they were shown", async () => {
    await get("/signatures?country=GB"); // stored
    const moderator = await userWithSession(t.db, "moderator");
    const before = stats();
    const res = await get("/signatures?country=GB", { Cookie: moderator.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("age")).toBeNull();
    expect(stats().hits).toBe(before.hits);
    expect(stats().renders).toBe(before.renders); // not counted: the cache never saw it
    const anonymous = await get("/signatures?country=GB");
    expect(anonymous.headers.get("age")).not.toBeNull();
    // And /admin is never stored, signed in or not.
    const admin = await get("/admin", { Cookie: moderator.cookie });
    expect(admin.headers.get("cache-control")).toBe("private, no-store");
    expect(admin.headers.get("age")).toBeNull();
  });

  it("stores no answer that is private or an error, and lets streamed exports through", async () => {
    const before = stats();
    for (let i = 0; i < 2; i++) expect((await get("/signatures?country=ZZZ")).status).toBe(400);
    expect(stats().renders - before.renders).toBe(2);
    expect(stats().hits).toBe(before.hits);
    const csv = await get("/signatures.csv");
    expect(csv.headers.get("age")).toBeNull();
    expect(csv.headers.get("etag")).toMatch(/^"csv-/);
    await csv.arrayBuffer();
  });
});
