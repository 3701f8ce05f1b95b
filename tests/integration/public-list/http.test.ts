import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshRollup } from "../../../app/domain/public-list/rollup.server";
import { takeDailySnapshot } from "../../../app/domain/public-list/snapshots.server";
import { setupTestDatabase } from "../../support/db";
import { decodePng } from "../../support/png";
import { addLabel, seedSignatures } from "../../support/public-list";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter } from "../../support/signatures";

const t = setupTestDatabase();
let server: TestServer;
let letter: { letterId: number; versionId: number };
let seeded: Awaited<ReturnType<typeof seedSignatures>>;
let snapshotId: string;

const NOT_PUBLIC = ["unconfirmed", "pending", "rejected", "withdrawn", "quarantined"] as const;

beforeAll(async () => {
  letter = await registerCurrentLetter(t.db);
  const label = await addLabel(t.db, "Warp Records", `warp-${Date.now()}.test`);
  seeded = await seedSignatures(t.db, letter, [
    ...Array.from({ length: 30 }, (_, i) => ({ name: `Public Artist ${i}`, country: i % 2 ? "FR" : "GB", approvedSecondsAgo: i * 7000 })),
    { name: "Warp Records", kind: "label" as const, labelId: label, role: "other" },
    { name: "Aphex Twin", kind: "roster" as const, labelId: label, identityCheck: "Reply from management" },
    { name: "@Risky Name", approvedSecondsAgo: 5 },
    { name: "=HYPERLINK Name", approvedSecondsAgo: 6 },
    { name: 'Quote "Unquote", Esq.', approvedSecondsAgo: 7 },
    { name: "Featured Star", featured: true },
    ...NOT_PUBLIC.flatMap((state) => [
      { name: `Hidden ${state} one`, state },
      { name: `Hidden ${state} two`, state },
    ]),
  ]);
  await refreshRollup(t.db, letter.letterId);
  const snapshot = await takeDailySnapshot(t.db, letter.letterId);
  snapshotId = snapshot!.identifier;
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { headers });
const approved = () => seeded.filter((s) => s.state === "approved");

function publicPaths() {
  return [
    "/",
    "/signatures",
    "/signatures?q=public%20artist&country=FR",
    "/signatures?sort=az",
    "/press",
    "/api/v1/signatures",
    "/api/v1/signatures?kind=roster",
    "/api/v1/stats",
    "/signatures.csv",
    "/signatures.atom",
    "/badge.svg",
    "/embed",
    "/og/letter.svg",
    "/og/signatures.svg",
    "/og/letter.png",
    "/og/signatures.png",
    "/press/snapshots.json",
    `/press/snapshots/${snapshotId}.csv`,
  ];
}

describe("caching", () => {
  it("sends Cache-Control and an ETag on every public GET, and a 304 without a body when the ETag matches", async () => {
    for (const path of publicPaths()) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      const cacheControl = res.headers.get("cache-control") ?? "";
      // What lists names is never served stale when we are down: a CDN would keep a withdrawn name for a day.
      const listsNames = /^\/(press\/snapshots\/|signatures($|\?|\.csv|\.atom)|api\/v1\/signatures)/.test(path);
      if (listsNames) expect(cacheControl, path).toBe("public, max-age=0, s-maxage=30, stale-while-revalidate=60");
      else for (const part of ["public", "s-maxage=30", "stale-while-revalidate=60", "stale-if-error=86400"]) expect(cacheControl, path).toContain(part);
      const etag = res.headers.get("etag");
      expect(etag, path).toBeTruthy();
      await res.arrayBuffer();
      const again = await get(path, { "If-None-Match": etag! });
      expect(again.status, path).toBe(304);
      expect(await again.text(), path).toBe("");
      expect(again.headers.get("etag"), path).toBe(etag);
    }
  });

  it("changes the ETag when the list changes, so a stale copy is replaced", async () => {
    const before = await get("/api/v1/signatures?q=newcomer");
    const etag = before.headers.get("etag")!;
    expect(((await before.json()) as { data: unknown[] }).data).toHaveLength(0);
    const [added] = await seedSignatures(t.db, letter, [{ name: "Newcomer Band" }]);
    const after = await get("/api/v1/signatures?q=newcomer", { "If-None-Match": etag });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { data: { name: string }[] }).data.map((d) => d.name)).toEqual(["Newcomer Band"]);
    await t.db.deleteFrom("signatures").where("id", "=", added!.id).execute();
    await refreshRollup(t.db, letter.letterId);
  });

  it("gives the same page the same ETag although each response has its own CSP nonce", async () => {
    const [a, b] = [await get("/press"), await get("/press")];
    const nonce = (html: string) => /nonce="([^"]+)"/.exec(html)?.[1];
    expect(nonce(await a.text())).not.toBe(nonce(await b.text()));
    expect(a.headers.get("etag")).toBe(b.headers.get("etag"));
  });
});

describe("privacy", () => {
  it("never lets an email, IP hash, private name or unapproved name out through any public answer", async () => {
    const bodies: [string, string][] = [];
    for (const path of publicPaths()) bodies.push([path, await (await get(path)).text()]);
    // Every page of the list and of the API, by their own next links.
    for (let path: string | null = "/api/v1/signatures?limit=7"; path;) {
      const res = await get(path);
      const text = await res.text();
      bodies.push([path, text]);
      const next = (JSON.parse(text) as { links: { next: string | null } }).links.next;
      path = next ? next.replace("http://letters.test", "") : null;
    }
    for (let path: string | null = "/signatures?limit=9"; path;) {
      const html: string = await (await get(path)).text();
      bodies.push([path, html]);
      const next: string | undefined = /<a[^>]*href="([^"]+)"[^>]*rel="next"/.exec(html)?.[1];
      path = next ? next.replace(/&amp;/g, "&") : null;
    }
    expect(bodies.length).toBeGreaterThan(publicPaths().length + 3);
    for (const [path, body] of bodies) {
      expect(body, path).not.toContain("private-mail.test");
      for (const s of seeded) {
        expect(body, `${path}: ${s.email}`).not.toContain(s.email);
        expect(body, `${path}: ip hash`).not.toContain(s.ipHash);
        expect(body, `${path}: private name`).not.toContain(s.privateName);
        if (s.state !== "approved") expect(body, `${path}: ${s.name}`).not.toContain(s.name);
      }
    }
    for (const line of server.logs) expect(JSON.stringify(line)).not.toContain("private-mail.test");
  });
});

describe("JSON API", () => {
  it("pages through exactly the approved names, open to any origin", async () => {
    const names: string[] = [];
    for (let path: string | null = "/api/v1/signatures?limit=4&sort=az"; path;) {
      const res = await get(path, { Origin: "https://newsroom.example" });
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      const body = (await res.json()) as { data: { name: string; badges: string[] }[]; links: { next: string | null } };
      names.push(...body.data.map((d) => d.name));
      path = body.links.next?.replace("http://letters.test", "") ?? null;
    }
    expect(names.slice().sort()).toEqual(
      approved()
        .map((s) => s.name)
        .sort(),
    );
    expect(names[0]).toBe("Featured Star");
    const preflight = await fetch(`${server.url}/api/v1/stats`, {
      method: "OPTIONS",
      headers: { Origin: "https://newsroom.example", "Access-Control-Request-Method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("GET");
  });

  it("gives the figures by kind, country and day, and when they were updated", async () => {
    const stats = (await (await get("/api/v1/stats")).json()) as {
      total: number;
      byKind: Record<string, number>;
      byCountry: { country: string; count: number }[];
      perDay: { cumulative: number }[];
      updatedAt: string;
    };
    expect(stats.total).toBe(approved().length);
    expect(stats.byKind).toEqual({ artist: approved().length - 2, label: 1, roster: 1 });
    expect(stats.byCountry.find((c) => c.country === "FR")?.count).toBe(15);
    expect(stats.perDay.at(-1)?.cumulative).toBe(approved().length);
    expect(Date.now() - Date.parse(stats.updatedAt)).toBeLessThan(120_000);
  });

  it("answers a bad query with 400 and a message per field, never a 500", async () => {
    const res = await get("/api/v1/signatures?kind=robot&limit=0&country=ZZ");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; fields: Record<string, string> };
    expect(body.error).toBe("invalid_query");
    expect(Object.keys(body.fields).sort()).toEqual(["country", "kind", "limit"]);
    const cursor = Buffer.from(JSON.stringify(["az", "x", "y", "z"])).toString("base64url");
    const wrongOrder = await get(`/api/v1/signatures?after=${cursor}`);
    expect(wrongOrder.status).toBe(400);
    const forged = Buffer.from(JSON.stringify(["new", "true", "not a date", "1"])).toString("base64url");
    expect((await get(`/api/v1/signatures?after=${forged}`)).status).toBe(400);
  });
});

describe("CSV", () => {
  it("streams the same rows as the JSON, with a BOM, CRLF lines and formulas defused", async () => {
    const res = await get("/signatures.csv?sort=az");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="signatures-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.split("\r\n");
    expect(lines[0]).toBe("name,kind,role,country,label,signed_on,approved_at,featured,badges");
    expect(lines.at(-1)).toBe("");
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(approved().length);
    expect(text).toContain(`"'@Risky Name"`);
    expect(text).toContain(`"'=HYPERLINK Name"`);
    expect(text).toContain(`"Quote ""Unquote"", Esq."`);
    expect(text).toContain(`"Aphex Twin","roster","musician","GB","Warp Records"`);
    const json = (await (await get("/api/v1/signatures?sort=az&limit=200")).json()) as { data: { name: string }[] };
    const csvNames = rows.map((r) => /^"'?((?:[^"]|"")*)"/.exec(r)![1]!.replace(/""/g, '"'));
    expect(csvNames).toEqual(json.data.map((d) => d.name));
  });

  it("takes its ETag from the list's state tag before reading a row, and a change moves it", async () => {
    const first = await get("/signatures.csv");
    await first.arrayBuffer();
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^"csv-1-\d+-public\.\d+\.\d+\.\d+-[0-9a-f]{16}"$/);
    const again = await get("/signatures.csv", { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // Another filter, another tag.
    const filtered = await get("/signatures.csv?country=FR");
    await filtered.arrayBuffer();
    expect(filtered.headers.get("etag")).not.toBe(etag);

    // Featuring a name moves no count, but changes the file: once folded, the tag moves.
    const star = seeded.find((s) => s.name === "Public Artist 3")!;
    await t.db.updateTable("signatures").set({ is_featured: true }).where("id", "=", star.id).execute();
    expect((await refreshRollup(t.db, letter.letterId)).folded).toBe(0);
    const featured = await get("/signatures.csv", { "If-None-Match": etag });
    expect(featured.status).toBe(200);
    const text = await featured.text();
    expect(text.split("\r\n")[1]).toMatch(/^"(Featured Star|Public Artist 3)"/);
    const etag2 = featured.headers.get("etag")!;
    expect(etag2).not.toBe(etag);

    // So does a label's new name, which every one of its rows shows.
    await t.db.updateTable("labels").set({ name: "Warp" }).where("name", "=", "Warp Records").execute();
    await refreshRollup(t.db, letter.letterId);
    const renamed = await get("/signatures.csv", { "If-None-Match": etag2 });
    expect(renamed.status).toBe(200);
    expect(await renamed.text()).toContain(`"Aphex Twin","roster","musician","GB","Warp"`);
    await t.db.updateTable("labels").set({ name: "Warp Records" }).where("name", "=", "Warp").execute();
    await t.db.updateTable("signatures").set({ is_featured: false }).where("id", "=", star.id).execute();
    await refreshRollup(t.db, letter.letterId);
  });

  it("applies the same filters, and refuses bad ones with a message", async () => {
    const text = await (await get("/signatures.csv?country=FR")).text();
    expect(text.split("\r\n").slice(1, -1)).toHaveLength(15);
    const bad = await get("/signatures.csv?country=Narnia");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("country: Choose a country from the list");
  });
});

describe("pages", () => {
  it("shows a message next to a bad filter, keeps the good ones, and still lists names", async () => {
    const res = await get("/signatures?q=public&kind=robot&country=XX");
    expect(res.status).toBe(400);
    const html = (await res.text()).replace(/<!-- -->/g, "");
    expect(html).toMatch(/id="kind-error"[^>]*><p>Choose a kind from the list<\/p>/);
    expect(html).toMatch(/id="country-error"[^>]*><p>Choose a country from the list<\/p>/);
    expect(html).toContain("Public Artist");
    expect(html).toContain('value="public"');
  });

  it("starts again from the first page, with a message, when a page link is broken", async () => {
    const res = await get(`/signatures?after=${Buffer.from('["new","x"]').toString("base64url")}`);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("That page link is out of date or broken, so here is the first page.");
    expect(html).toContain("Featured Star");
  });

  it.each(["/signatures?q=%00%01", `/signatures?q=${"a".repeat(101)}`, "/signatures?limit=abc", "/signatures?sort=DROP%20TABLE", "/signatures?label=-1"])(
    "never answers %s with a 500",
    async (path) => {
      const res = await get(path);
      expect(res.status).toBeLessThan(500);
    },
  );

  it("shows each name's role, country, label and the marks that say how it was checked", async () => {
    const html = (await (await get("/signatures?q=aphex")).text()).replace(/<!-- -->/g, "");
    expect(html).toContain("Aphex Twin");
    expect(html).toContain("via Warp Records");
    expect(html).toContain("Via Warp Records");
    expect(html).toContain("Identity checked");
  });

  it("shows the totals by kind on the letter page and the list", async () => {
    for (const path of ["/", "/signatures"]) {
      const html = (await (await get(path)).text()).replace(/<!-- -->/g, "");
      expect(html, path).toContain(`data-testid="approved-count">${approved().length}<`);
      expect(html, path).toContain('data-testid="count-labels">1<');
      expect(html, path).toContain('data-testid="count-roster">1<');
      expect(html, path).toMatch(/updated at \d\d:\d\d:\d\d UTC/);
    }
  });

  it("explains every mark a name can carry, the label ones included, and claims no public comments", async () => {
    const press = (await (await get("/press")).text()).replace(/<!-- -->/g, "");
    for (const mark of [
      "Email confirmed",
      "Label domain confirmed",
      "DNS confirmed",
      "Via label",
      "Confirmed by the artist",
      "Not confirmed by the artist",
      "Identity checked",
    ]) {
      expect(press).toContain(mark);
    }
    expect(press).toContain("free and disposable mailboxes are refused");
    const form = await (await get("/")).text();
    expect(form).not.toContain("shown beside your name");
    expect(form).toContain("not published");
    const readme = readFileSync("README.md", "utf8").replace(/\s+/g, " ");
    // The README describes the label pages that exist.
    for (const path of ["/labels/join", "/labels/confirm", "/label", "/roster/<token>", "/admin/labels"]) expect(readme).toContain(path);
    expect(readme).not.toContain("Labels (proving control");
  });

  it("draws the chart as SVG with a text summary and the figures in a table", async () => {
    const html = (await (await get("/press")).text()).replace(/<!-- -->/g, "");
    expect(html).toMatch(/<svg viewBox="0 0 640 220" role="img" aria-labelledby="chart-caption chart-desc"/);
    expect(html).toContain(`${approved().length} signatures approved between`);
    expect(html).toContain("The figures behind the chart");
  });

  it("lets other sites frame the widget, and nothing else", async () => {
    const widget = await get("/embed");
    expect(widget.headers.get("x-frame-options")).toBeNull();
    expect(widget.headers.get("content-security-policy")).toContain("frame-ancestors *");
    expect(await widget.text()).toContain(`${approved().length}</span> signatures approved`);
    const page = await get("/signatures");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("publishes link-preview cards and a count badge with the live count", async () => {
    const html = await (await get("/signatures")).text();
    expect(html).toContain('<meta property="og:image" content="http://letters.test/og/signatures.png"/>');
    expect(html).toContain('<meta property="og:image:type" content="image/png"/>');
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image"/>');
    expect(html).toContain('<meta name="twitter:image" content="http://letters.test/og/signatures.png"/>');
    expect(await (await get("/")).text()).toContain('<meta property="og:image" content="http://letters.test/og/letter.png"/>');
    const card = await get("/og/letter.svg");
    expect(card.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(await card.text()).toContain(`>${approved().length}<`);
    expect(await (await get("/badge.svg")).text()).toContain(`>${approved().length}<`);
    for (const path of ["/og/nothing.svg", "/og/nothing.png", "/og/letter.gif", "/og/letter", "/og/toString.png", "/og/letter.png.svg"]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it("serves the cards as 1200×630 PNGs that networks display, drawn with the shipped fonts and the live count", async () => {
    const res = await get("/og/letter.png");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toContain("public");
    const bytes = Buffer.from(await res.arrayBuffer());
    const png = decodePng(bytes);
    expect([png.width, png.height]).toEqual([1200, 630]);
    // The red bar along the top, the page colour, and the count drawn in red below the title.
    expect(png.at(600, 8)).toBe("#b3261e");
    expect(png.at(1150, 300)).toBe("#fbfaf7");
    const red = (y0: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = 80; x < 700; x++) if (png.at(x, y) === "#b3261e") n++;
      return n;
    };
    expect(red(360, 480)).toBeGreaterThan(2000);
    // Glyphs, not boxes: the title's ink lies within the lines it was set on.
    let titleInk = 0;
    for (let y = 90; y < 240; y++) for (let x = 80; x < 1120; x += 2) if (png.at(x, y) === "#111111") titleInk++;
    expect(titleInk).toBeGreaterThan(1000);

    // The same count is the same bytes (kept, not drawn again); the other card is another image.
    expect(Buffer.from(await (await get("/og/letter.png")).arrayBuffer()).equals(bytes)).toBe(true);
    const other = decodePng(Buffer.from(await (await get("/og/signatures.png")).arrayBuffer()));
    expect([other.width, other.height]).toEqual([1200, 630]);
    expect(other.rgba.equals(png.rgba)).toBe(false);
  });

  it("feeds the newest approvals as Atom", async () => {
    const res = await get("/signatures.atom");
    expect(res.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
    const xml = await res.text();
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true);
    const titles = [...xml.matchAll(/<entry>[\s\S]*?<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toHaveLength(approved().length);
    // Newest approval first, featured or not.
    expect(titles[0]).toBe("Public Artist 0");
    expect(xml).toContain("<title>Quote &quot;Unquote&quot;, Esq.</title>");
    // Roles as the page prints them, never the stored code.
    expect(xml).toContain("(Musician, ");
    expect(xml).not.toMatch(/\((musician|songwriter|producer|dj|podcaster|engineer|other), /);
  });
});

describe("snapshots", () => {
  it("publishes each snapshot with its root and chain hash, as a file anyone can check", async () => {
    const html = await (await get("/press")).text();
    const index = (await (await get("/press/snapshots.json")).json()) as {
      data: { identifier: string; kind: string; root: string; chainSha256: string; rowCount: number; path: string }[];
    };
    const [snapshot] = index.data;
    expect(snapshot).toMatchObject({ identifier: snapshotId, kind: "daily", rowCount: approved().length, path: `/press/snapshots/${snapshotId}.csv` });
    expect(html).toContain(snapshot!.root);
    expect(html).toContain(snapshot!.chainSha256);
    const res = await get(snapshot!.path);
    expect(res.headers.get("x-snapshot-root")).toBe(snapshot!.root);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString("utf8").split("\r\n");
    expect(lines[0]).toBe("digest,salt,name,kind,role,country,label,signed_on,approved_at,featured,badges");
    expect(lines.slice(1, -1)).toHaveLength(approved().length);
    expect((await get("/press/snapshots/000099-20260101T000000Z.csv")).status).toBe(404);
    expect((await get("/press/snapshots/not-a-snapshot.csv")).status).toBe(404);
    expect((await get("/press/snapshots/2026-02-31.csv")).status).toBe(404);
    // A second call the same day takes nothing new.
    expect(await takeDailySnapshot(t.db, letter.letterId)).toBeUndefined();
    const count = await t.db
      .selectFrom("public_snapshots")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    expect(count.n).toBe(1);
  });
});

/** A cursor as the list encodes it: base64url of the JSON array [sort, ...key values]. */
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
const cursorsIn = (text: string) => [...text.replace(/&amp;/g, "&").matchAll(/[?&](?:after|before)=([A-Za-z0-9_-]+)/g)].map((m) => m[1]!);

describe("public ids", () => {
  it("gives every name a random public id, and no public answer carries the internal id or a cursor made from it", async () => {
    const internal = new Set(seeded.map((s) => s.id));
    const publicIds = new Map<string, string>();
    const cursors: [string, string][] = [];
    for (const start of [
      "/api/v1/signatures?limit=6",
      "/api/v1/signatures?limit=6&sort=az",
      "/api/v1/signatures?limit=6&sort=recent",
      "/api/v1/signatures?limit=6&q=public",
    ]) {
      for (let path: string | null = start; path;) {
        const text = await (await get(path)).text();
        const body = JSON.parse(text) as { data: { id: string; name: string }[]; cursors: Record<string, string | null>; links: { next: string | null } };
        for (const item of body.data) {
          expect(item.id, `${path}: ${item.name}`).toMatch(/^[A-Za-z0-9_-]{16,}$/);
          expect(internal.has(item.id), `${path}: ${item.name}`).toBe(false);
          publicIds.set(item.name, item.id);
        }
        for (const cursor of [body.cursors.next, body.cursors.previous, ...cursorsIn(text)]) if (cursor) cursors.push([path, cursor]);
        path = body.links.next?.replace("http://letters.test", "") ?? null;
      }
    }
    for (let path: string | null = "/signatures?limit=9"; path;) {
      const html: string = await (await get(path)).text();
      for (const cursor of cursorsIn(html)) cursors.push([path, cursor]);
      const next: string | undefined = /<a[^>]*href="([^"]+)"[^>]*rel="next"/.exec(html)?.[1];
      path = next ? next.replace(/&amp;/g, "&") : null;
    }
    expect(publicIds.size).toBe(approved().length);
    expect(cursors.length).toBeGreaterThan(10);
    const known = new Set(publicIds.values());
    for (const [path, cursor] of cursors) {
      const values = decode(cursor);
      for (const value of values) expect(internal.has(String(value)), `${path}: cursor ${JSON.stringify(values)}`).toBe(false);
      // The tie-breaker is the public id of the name at the page's edge.
      expect(known.has(String(values.at(-1))), `${path}: cursor ${JSON.stringify(values)}`).toBe(true);
    }

    const xml = await (await get("/signatures.atom")).text();
    const entryIds = [...xml.matchAll(/<entry>\s*<id>([^<]*)<\/id>/g)].map((m) => m[1]!);
    expect(entryIds).toHaveLength(approved().length);
    for (const id of entryIds) {
      const suffix = /^tag:letters\.test,2026:signature-(.+)$/.exec(id)?.[1];
      expect(known.has(suffix!), id).toBe(true);
    }
  });
});

describe("forged cursors", () => {
  const messages = { page: "That page link is out of date or broken, so here is the first page." };

  /** A real cursor of each order, taken from the API, so a forgery differs from it in one value only. */
  async function realCursor(query: string): Promise<unknown[]> {
    const body = (await (await get(`/api/v1/signatures?limit=2&${query}`)).json()) as { cursors: { next: string } };
    return decode(body.cursors.next);
  }

  const FORGED_DATES = [
    "2026-13-01 10:00:00+00",
    "2026-00-10 10:00:00+00",
    "2026-02-30 10:00:00+00",
    "2025-02-29 10:00:00+00",
    "0000-01-01 00:00:00+00",
    "2026-01-32 10:00:00+00",
    "2026-01-01 25:00:00+00",
    "2026-01-01 10:61:00+00",
    "2026-01-01 10:00:61+00",
    "2026-01-01 10:00:00+99",
    "2026-01-01 10:00:00.1234567+00",
    "20260-01-01 10:00:00+00",
    "not a date",
  ];
  const FORGED_NUMBERS = ["1e999", "-1e999", "1e-999", "NaN", "Infinity", "-Infinity", "1".repeat(150), "0x10", ""];
  const FORGED_IDS = ["1", "0", "-1", "99999999999999999999999", "' or 1=1 --", "a".repeat(200), ""];
  const WRONG_TYPES: unknown[] = [1, 1e308, true, null, ["x"], { a: 1 }];

  /** Every forgery of a cursor: each value replaced in turn, plus the wrong shape around them. */
  function forgeries(real: unknown[]): { kind: string; cursor: string }[] {
    const out: { kind: string; cursor: string }[] = [];
    const swap = (i: number, value: unknown, kind: string) => out.push({ kind, cursor: encode(real.map((v, j) => (j === i ? value : v))) });
    real.forEach((value, i) => {
      if (i === 0) return;
      const text = String(value);
      if (/^\d{4}-\d\d-\d\d /.test(text)) for (const d of FORGED_DATES) swap(i, d, `date ${d}`);
      else if (/^(?:true|false)$/.test(text)) for (const b of ["maybe", "TRUE", "1", ""]) swap(i, b, `boolean ${b}`);
      else if (i === real.length - 1) for (const id of FORGED_IDS) swap(i, id, `id ${id.slice(0, 30)}`);
      else if (/^[\d.e+-]+$/.test(text)) for (const n of FORGED_NUMBERS) swap(i, n, `number ${n.slice(0, 30)}`);
      else for (const s of ["x\u0000y", "z".repeat(5000)]) swap(i, s, `text ${JSON.stringify(s.slice(0, 5))}`);
      for (const w of WRONG_TYPES) swap(i, w, `type ${JSON.stringify(w)} at ${i}`);
    });
    out.push({ kind: "unknown order", cursor: encode(["sideways", ...real.slice(1)]) });
    out.push({ kind: "order as a number", cursor: encode([1, ...real.slice(1)]) });
    out.push({ kind: "a value short", cursor: encode(real.slice(0, -1)) });
    out.push({ kind: "a value over", cursor: encode([...real, real.at(-1)]) });
    out.push({ kind: "an object", cursor: encode({ sort: real[0], values: real.slice(1) }) });
    out.push({ kind: "a string", cursor: encode("new") });
    out.push({ kind: "not JSON", cursor: Buffer.from('["new",').toString("base64url") });
    return out;
  }

  it.each([
    ["new", "sort=new"],
    ["az", "sort=az"],
    ["recent", "sort=recent"],
    ["relevance", "q=public"],
  ])(
    "answers each forgery of a %s cursor with 400 on the API and the first page on /signatures, never a 5xx",
    async (_, query) => {
      const real = await realCursor(query);
      const forged = forgeries(real);
      expect(forged.length).toBeGreaterThan(15);
      // Every answer that is not the expected one, so a failure lists them all.
      const wrong: string[] = [];
      for (const { kind, cursor } of forged) {
        for (const field of ["after", "before"] as const) {
          const api = await get(`/api/v1/signatures?${query}&${field}=${cursor}`);
          const text = await api.text();
          const body = (api.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : {}) as {
            error?: string;
            fields?: Record<string, string>;
          };
          if (api.status !== 400 || body.error !== "invalid_query" || !/broken/.test(body.fields?.[field] ?? ""))
            wrong.push(`API ${field}, ${kind}: ${api.status} ${text.slice(0, 80)}`);

          const page = await get(`/signatures?${query}&${field}=${cursor}`);
          const html = await page.text();
          const firstName = query.startsWith("q=") ? "Public Artist" : "Featured Star";
          if (page.status !== 400 || !html.includes(messages.page) || !html.includes(firstName)) wrong.push(`page ${field}, ${kind}: ${page.status}`);

          // The CSV takes no cursor (it is every page): it ignores one, forged or not.
          const csv = await get(`/signatures.csv?${query}&${field}=${cursor}`);
          await csv.arrayBuffer();
          if (csv.status >= 500) wrong.push(`CSV ${field}, ${kind}: ${csv.status}`);
        }
      }
      expect(wrong).toEqual([]);
      // Some hundred requests: more than the default timeout allows on a busy machine.
    },
    120_000,
  );
});
