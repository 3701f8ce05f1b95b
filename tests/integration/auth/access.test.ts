import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../support/db";
import { userWithSession } from "../../support/auth";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter, sign } from "../../support/signatures";

const t = setupTestDatabase();
let server: TestServer;
let signatureId: string;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  const outcome = await sign(t.db, { displayName: "Access Test" });
  if (outcome.kind !== "created") throw new Error("expected a signature");
  signatureId = outcome.signatureId;
  await t.db.updateTable("signatures").set({ state: "pending" }).where("id", "=", signatureId).execute();
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
});
afterAll(async () => {
  await server?.close();
});

const get = (path: string, cookie?: string) => fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
const post = (path: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(body),
    // A browser sends Origin with every form post (/admin refuses one without it).
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, ...headers },
    redirect: "manual",
  });

async function stateOf(id: string) {
  return (await t.db.selectFrom("signatures").select("state").where("id", "=", id).executeTakeFirstOrThrow()).state;
}

describe("every page under /admin requires its role on the server", () => {
  const pages = () => ["/admin", `/admin/signatures/${signatureId}`, "/admin/moderators", "/admin/bulk", "/admin/trending", "/admin/notable"];

  it("sends a signed-out visitor to sign in", async () => {
    for (const page of pages()) {
      const res = await get(page);
      expect(res.status, page).toBe(302);
      expect(res.headers.get("location"), page).toBe(`/admin/login?next=${encodeURIComponent(page)}`);
    }
  });

  it("refuses a label rep with 403 on every page and every action", async () => {
    const rep = await userWithSession(t.db, "label_rep");
    for (const page of pages()) expect((await get(page, rep.cookie)).status, page).toBe(403);
    const res = await post("/admin?index", { id: signatureId, intent: "approve", expected: "pending" }, { cookie: rep.cookie });
    expect(res.status).toBe(403);
    const bulk = await post("/admin/bulk", { state: "pending", namePattern: "Access", action: "approve", confirmedCount: "1" }, { cookie: rep.cookie });
    expect(bulk.status).toBe(403);
    expect(await stateOf(signatureId)).toBe("pending");
  });

  it("lets a moderator moderate but not manage moderators; an admin does both", async () => {
    const mod = await userWithSession(t.db, "moderator");
    expect((await get("/admin", mod.cookie)).status).toBe(200);
    expect((await get(`/admin/signatures/${signatureId}`, mod.cookie)).status).toBe(200);
    expect((await get("/admin/bulk", mod.cookie)).status).toBe(200);
    expect((await get("/admin/trending", mod.cookie)).status).toBe(200);
    expect((await get("/admin/moderators", mod.cookie)).status).toBe(403);
    expect((await get("/admin/notable", mod.cookie)).status).toBe(403);
    expect((await post("/admin/notable", { name: "Someone" }, { cookie: mod.cookie })).status).toBe(403);
    expect((await post("/admin/moderators", { email: "x@countersign.test" }, { cookie: mod.cookie })).status).toBe(403);
    const admin = await userWithSession(t.db, "admin");
    for (const page of pages()) expect((await get(page, admin.cookie)).status, page).toBe(200);
  });

  it("ignores a forged or expired session cookie", async () => {
    expect((await get("/admin", "countersign_session=forged0000000000000000")).status).toBe(302);
    const mod = await userWithSession(t.db, "moderator");
    await t.db
      .updateTable("auth_sessions")
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where("user_id", "=", mod.id)
      .execute();
    expect((await get("/admin", mod.cookie)).status).toBe(302);
  });

  it("stops a removed moderator at once", async () => {
    const admin = await userWithSession(t.db, "admin");
    const mod = await userWithSession(t.db, "moderator");
    expect((await get("/admin", mod.cookie)).status).toBe(200);
    expect((await post("/admin/moderators", { intent: "remove", id: mod.id }, { cookie: admin.cookie })).status).toBe(200);
    expect((await get("/admin", mod.cookie)).status).toBe(302);
  });
});

describe("sessions", () => {
  it("sets an HttpOnly, SameSite=Lax cookie, Secure when the site is https, and stores only a hash of the id", async () => {
    const plain = await userWithSession(t.db, "moderator");
    expect(plain.setCookie).toMatch(/HttpOnly/i);
    expect(plain.setCookie).toMatch(/SameSite=Lax/i);
    expect(plain.setCookie).not.toMatch(/Secure/i);
    const secure = await userWithSession(t.db, "moderator", "https://letters.example.org");
    expect(secure.setCookie).toMatch(/Secure/i);
    const id = plain.cookie.split("=")[1]!;
    const stored = await t.db.selectFrom("auth_sessions").select("id_hash").where("user_id", "=", plain.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id_hash).not.toContain(id);
  });

  it("signs out one session, or every session of the user", async () => {
    const mod = await userWithSession(t.db, "moderator");
    const { startSession } = await import("../../../app/utils/session.server");
    const { parseEnv } = await import("../../../app/utils/env.server");
    const ctx = { db: t.db, env: parseEnv({ APP_ENV: "test" }) } as never;
    const second = (await startSession(ctx, mod.id)).split(";", 1)[0]!;

    const out = await post("/admin/logout", {}, { cookie: mod.cookie });
    expect(out.status).toBe(302);
    expect(out.headers.get("set-cookie")).toMatch(/countersign_session=;/);
    expect((await get("/admin", mod.cookie)).status).toBe(302);
    expect((await get("/admin", second)).status).toBe(200);

    const third = (await startSession(ctx, mod.id)).split(";", 1)[0]!;
    await post("/admin/logout", { everywhere: "on" }, { cookie: second });
    expect((await get("/admin", third)).status).toBe(302);
    expect(await t.db.selectFrom("auth_sessions").select("id_hash").where("user_id", "=", mod.id).execute()).toHaveLength(0);
  });
});

describe("the Origin check", () => {
  it("refuses a state-changing request from another site, changing nothing", async () => {
    const mod = await userWithSession(t.db, "moderator");
    const evil = await post(
      "/admin?index",
      { id: signatureId, intent: "approve", expected: "pending" },
      { cookie: mod.cookie, origin: "https://evil.example" },
    );
    expect(evil.status).toBe(403);
    const crossSite = await post(
      "/admin?index",
      { id: signatureId, intent: "approve", expected: "pending" },
      { cookie: mod.cookie, "sec-fetch-site": "cross-site" },
    );
    expect(crossSite.status).toBe(403);
    expect(await stateOf(signatureId)).toBe("pending");
    const signForm = await post("/?index", { displayName: "X" }, { origin: "https://evil.example" });
    expect(signForm.status).toBe(403);
    const ours = await post("/admin?index", { id: signatureId, intent: "approve", expected: "pending" }, { cookie: mod.cookie, origin: server.url });
    expect(ours.status).toBe(200);
    expect(await stateOf(signatureId)).toBe("approved");
  });

  it("tells the second of two moderators that someone decided first", async () => {
    const outcome = await sign(t.db, { displayName: "Race Band" });
    if (outcome.kind !== "created") throw new Error("expected a signature");
    await t.db.updateTable("signatures").set({ state: "pending" }).where("id", "=", outcome.signatureId).execute();
    const a = await userWithSession(t.db, "moderator");
    const b = await userWithSession(t.db, "moderator");
    const first = await post("/admin?index", { id: outcome.signatureId, intent: "approve", expected: "pending" }, { cookie: a.cookie });
    const second = await post("/admin?index", { id: outcome.signatureId, intent: "reject", reason: "fake", expected: "pending" }, { cookie: b.cookie });
    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(await second.text()).toContain("Another moderator decided first: this signature is now approved.");
  });
});

describe("the bulk page", () => {
  it("counts first, then applies to the confirmed count, and refuses an empty condition", async () => {
    const outcome = await sign(t.db, { displayName: "Bulk Page Band" });
    if (outcome.kind !== "created") throw new Error("expected a signature");
    await t.db.updateTable("signatures").set({ state: "pending" }).where("id", "=", outcome.signatureId).execute();
    const mod = await userWithSession(t.db, "moderator");
    const empty = await post("/admin/bulk", { state: "pending", action: "reject", reason: "fake" }, { cookie: mod.cookie });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Give at least one condition");

    const preview = await post("/admin/bulk", { state: "pending", namePattern: "Bulk Page", action: "reject", reason: "fake" }, { cookie: mod.cookie });
    expect(preview.status).toBe(200);
    const html = (await preview.text()).replaceAll("<!-- -->", "");
    expect(html).toContain("This will reject <strong>1</strong> signature(s).");
    expect(await stateOf(outcome.signatureId)).toBe("pending");

    const applied = await post(
      "/admin/bulk",
      { state: "pending", namePattern: "Bulk Page", action: "reject", reason: "fake", confirmedCount: "1" },
      { cookie: mod.cookie },
    );
    expect((await applied.text()).replaceAll("<!-- -->", "")).toContain("Changed 1 signature(s)");
    expect(await stateOf(outcome.signatureId)).toBe("rejected");
  });
});

describe("the notable list", () => {
  it("is kept by admins, and makes matching names need an identity check", async () => {
    const admin = await userWithSession(t.db, "admin");
    expect((await post("/admin/notable", { name: "  Björk  " }, { cookie: admin.cookie })).status).toBe(200);
    expect((await post("/admin/notable", { name: "" }, { cookie: admin.cookie })).status).toBe(400);
    const page = await (await get("/admin/notable", admin.cookie)).text();
    expect(page).toContain("Björk");
    const outcome = await sign(t.db, { displayName: "BJORK" });
    if (outcome.kind !== "created") throw new Error("expected a signature");
    await t.db.updateTable("signatures").set({ state: "pending" }).where("id", "=", outcome.signatureId).execute();
    const res = await post("/admin?index", { id: outcome.signatureId, intent: "approve", expected: "pending" }, { cookie: admin.cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("record how the identity was checked");
    expect(await stateOf(outcome.signatureId)).toBe("pending");
  });
});
