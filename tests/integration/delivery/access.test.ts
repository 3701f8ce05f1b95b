import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LEASE_SECONDS, claimPack, listPacks, runNextPack } from "../../../app/domain/delivery/packs.server";
import { userWithSession } from "../../support/auth";
import { setupTestDatabase } from "../../support/db";
import { seedNames } from "../../support/delivery";
import { seedSignatures } from "../../support/public-list";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter } from "../../support/signatures";

// Who may make, see and download a delivery pack (admins only), a build that dies half-way, and
// recording a delivery: refused input changes nothing; /press shows what was recorded, nothing private.

const t = setupTestDatabase();
let server: TestServer;
let letter: Awaited<ReturnType<typeof registerCurrentLetter>>;
let admin: Awaited<ReturnType<typeof userWithSession>>;
let others: { who: string; cookie?: string }[];

beforeAll(async () => {
  letter = await registerCurrentLetter(t.db);
  await seedSignatures(t.db, letter, [{ name: "Delivered Artist" }, { name: "Another Listed Band" }]);
  await seedNames(t.db, letter, ["Quiet Supporter"], { named: false, prefix: "quiet" });
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  admin = await userWithSession(t.db, "admin");
  const moderator = await userWithSession(t.db, "moderator");
  const rep = await userWithSession(t.db, "label_rep");
  others = [{ who: "signed out" }, { who: "a moderator", cookie: moderator.cookie }, { who: "a label rep", cookie: rep.cookie }];
}, 60_000);

afterAll(async () => {
  await server?.close();
});

const get = (path: string, cookie?: string) => fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });
const post = (path: string, body: Record<string, string>, cookie?: string) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(body),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, ...(cookie ? { cookie } : {}) },
    redirect: "manual",
  });
const refused = (status: number) => status === 403 || (status >= 300 && status < 400);
const tableCount = async (table: "deliveries" | "delivery_packs" | "audit_log") =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.db)).rows[0]!.n;

async function makePack(): Promise<string> {
  const answer = await post("/admin/delivery", { intent: "generate" }, admin.cookie);
  expect(answer.status).toBe(200);
  const made = await runNextPack(t.db, "http://letters.test");
  expect(made?.outcome).toBe("ready");
  return made!.id;
}

describe("the delivery pack's pages", () => {
  it("are for admins only: the page, the action and the download", async () => {
    const id = await makePack();
    expect((await get("/admin/delivery", admin.cookie)).status).toBe(200);
    const pdf = await get(`/admin/delivery/${id}.pdf`, admin.cookie);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("cache-control")).toContain("no-store");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const packs = await tableCount("delivery_packs");
    for (const { who, cookie } of others) {
      expect(refused((await get("/admin/delivery", cookie)).status), who).toBe(true);
      expect(refused((await get(`/admin/delivery/${id}.pdf`, cookie)).status), who).toBe(true);
      expect(refused((await post("/admin/delivery", { intent: "generate" }, cookie)).status), who).toBe(true);
      expect(
        refused(
          (await post("/admin/delivery", { intent: "record", packId: id, deliveredOn: "2026-12-01", recipient: "Spotify", method: "By hand" }, cookie)).status,
        ),
        who,
      ).toBe(true);
    }
    expect(await tableCount("delivery_packs")).toBe(packs);
    expect(await tableCount("deliveries")).toBe(0);
    // The admin nav links it.
    expect(await (await get("/admin/snapshots", admin.cookie)).text()).toContain('href="/admin/delivery"');
  });

  it("shows progress while a pack is made, one at a time, and never serves a build that died half-way", async () => {
    const answer = await post("/admin/delivery", { intent: "generate" }, admin.cookie);
    expect(answer.status).toBe(200);
    expect((await post("/admin/delivery", { intent: "generate" }, admin.cookie)).status).toBe(409);
    // A process claims it, writes part of the PDF, and dies.
    const claimed = (await claimPack(t.db))!;
    await t.db
      .insertInto("delivery_pack_chunks")
      .values({ pack_id: claimed.id, seq: 0, data: Buffer.from("%PDF-1.3 half a file") })
      .execute();
    await t.db.updateTable("delivery_packs").set({ rows_total: 2, rows_done: 1 }).where("id", "=", claimed.id).execute();
    const page = await (await get("/admin/delivery", admin.cookie)).text();
    expect(page).toContain("1 of 2 names");
    expect(page).toContain('http-equiv="refresh"');
    expect((await get(`/admin/delivery/${claimed.id}.pdf`, admin.cookie)).status).toBe(404);
    // While its lease holds, nobody else takes it; once it lapses, the next claim starts it again from nothing.
    expect(await claimPack(t.db)).toBeUndefined();
    await t.db
      .updateTable("delivery_packs")
      .set({ heartbeat_at: sql<Date>`now() - make_interval(secs => ${LEASE_SECONDS + 5})` })
      .where("id", "=", claimed.id)
      .execute();
    const made = await runNextPack(t.db, "http://letters.test");
    expect(made).toEqual({ id: claimed.id, outcome: "ready" });
    const [pack] = await listPacks(t.db, letter.letterId);
    expect(pack).toMatchObject({ id: claimed.id, state: "ready", rowsDone: 2, rowsTotal: 2 });
    const pdf = Buffer.from(await (await get(`/admin/delivery/${claimed.id}.pdf`, admin.cookie)).arrayBuffer());
    expect(pdf.toString("latin1")).not.toContain("half a file");
    expect(pdf.length).toBe(pack!.byteSize);
    // Nothing changed on the list since: the pack reused the snapshot the first one sealed.
    const packs = await t.db.selectFrom("delivery_packs").select("snapshot_id").where("state", "=", "ready").execute();
    expect(new Set(packs.map((p) => p.snapshot_id)).size).toBe(1);
  });

  it("records a delivery: bad input is told next to its field and changes nothing; /press shows the record, nothing private", async () => {
    const [pack] = await listPacks(t.db, letter.letterId);
    const before = { deliveries: await tableCount("deliveries"), audit: await tableCount("audit_log") };
    const bad = [
      [{ deliveredOn: "2026-02-30", recipient: "Spotify", method: "By hand" }, "That date does not exist"],
      [{ deliveredOn: "2999-01-01", recipient: "Spotify", method: "By hand" }, "A delivery cannot be recorded for a date still to come"],
      [{ deliveredOn: "2026-12-01", recipient: "ceo@spotify.com", method: "By hand" }, "not an email address"],
      [{ deliveredOn: "2026-12-01", recipient: "", method: "By hand" }, "Say to whom it was delivered"],
      [{ deliveredOn: "2026-12-01", recipient: "Spotify", method: "x".repeat(201) }, "at most 200 characters"],
      [{ deliveredOn: "2026-12-01", recipient: "Spotify", method: "See https://example.org/?token=abc" }, "leave out web addresses"],
    ] as const;
    for (const [fields, message] of bad) {
      const answer = await post("/admin/delivery", { intent: "record", packId: pack!.id, ...fields }, admin.cookie);
      expect(answer.status, message).toBe(400);
      expect(await answer.text(), message).toContain(message);
    }
    const wrongPack = await post(
      "/admin/delivery",
      { intent: "record", packId: "999999", deliveredOn: "2026-12-01", recipient: "Spotify", method: "By hand" },
      admin.cookie,
    );
    expect(wrongPack.status).toBe(400);
    expect(await wrongPack.text()).toContain("Choose a delivery pack that is ready");
    expect(await tableCount("deliveries")).toBe(before.deliveries);
    expect(await tableCount("audit_log")).toBe(before.audit);

    const good = await post(
      "/admin/delivery",
      { intent: "record", packId: pack!.id, deliveredOn: "2026-12-01", recipient: "Spotify's co-CEOs", method: "Printed copy handed in" },
      admin.cookie,
    );
    expect(good.status).toBe(200);
    const audit = await t.db.selectFrom("audit_log").selectAll().where("action", "=", "delivery_recorded").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: `user:${admin.id}`, subject_type: "delivery", subject_id: pack!.id });

    const press = await (await get("/press")).text();
    expect(press).toContain("2026-12-01");
    expect(press).toContain("Spotify&#x27;s co-CEOs");
    expect(press).toContain("Printed copy handed in");
    expect(press).toContain(pack!.sha256!);
    expect(press).toContain(pack!.snapshotChainSha256!);
    expect(press).not.toContain(admin.email);
    expect(press).not.toContain("Quiet Supporter");
  });
});
