import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../../app/domain/auth/users.server";
import { decide } from "../../../app/domain/moderation/decide.server";
import { refreshRollup } from "../../../app/domain/public-list/rollup.server";
import { SNAPSHOT_WALK, chainLink, listSnapshots, takeDailySnapshot, takeSnapshot } from "../../../app/domain/public-list/snapshots.server";
import { withdrawSignature } from "../../../app/domain/signatures/manage.server";
import { issueToken } from "../../../app/domain/signatures/tokens.server";
import { eachPublicWithSignatureId } from "../../../app/domain/public-list/list.server";
import { setupTestDatabase } from "../../support/db";
import { seedApprovedBulk, seedSignatures } from "../../support/public-list";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter } from "../../support/signatures";

const t = setupTestDatabase();
let server: TestServer;
let letter: { letterId: number; versionId: number };
let seeded: Awaited<ReturnType<typeof seedSignatures>>;
let scratch: string;

const WITHDRAWN = "Fearful Withdrawer";
const HIDDEN = "Hidden By Moderator";
const EDITED = "Renamed Later Person";

beforeAll(async () => {
  letter = await registerCurrentLetter(t.db);
  seeded = await seedSignatures(t.db, letter, [
    ...Array.from({ length: 12 }, (_, i) => ({ name: `Steady Signer ${i}`, country: i % 2 ? "FR" : "GB" })),
    { name: WITHDRAWN, approvedSecondsAgo: 30 },
    { name: HIDDEN, approvedSecondsAgo: 40 },
    { name: EDITED, approvedSecondsAgo: 50 },
    { name: '=Formula, "quoted"\r\nacross lines' },
    { name: "Pending Person", state: "pending" },
  ]);
  await refreshRollup(t.db, letter.letterId);
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  scratch = await mkdtemp(path.join(os.tmpdir(), "countersign-snapshots-"));
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const get = (p: string, headers: Record<string, string> = {}) => fetch(`${server.url}${p}`, { headers });
const byName = (name: string) => seeded.find((s) => s.name === name)!;

interface IndexEntry {
  identifier: string;
  seq: number;
  kind: string;
  rowCount: number;
  redactedRows: number;
  root: string;
  previousChainSha256: string | null;
  chainSha256: string;
  path: string;
}
const snapshotIndex = async () => ((await (await get("/press/snapshots.json")).json()) as { data: IndexEntry[] }).data;

/** Runs the published verifier as anyone would; never throws, gives the exit code and output. */
async function verify(target: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ["scripts/verify-snapshots.mjs", target]);
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: `${e.stdout}${e.stderr}` };
  }
}

/** Saves snapshots.json and every file into a folder, as a newsroom would keep them. */
async function download(folder: string): Promise<IndexEntry[]> {
  const index = await (await get("/press/snapshots.json")).text();
  await writeFile(path.join(folder, "snapshots.json"), index);
  const entries = (JSON.parse(index) as { data: IndexEntry[] }).data;
  for (const e of entries) await writeFile(path.join(folder, `${e.identifier}.csv`), Buffer.from(await (await get(e.path)).arrayBuffer()));
  return entries;
}

/** The body of every public answer: pages, API and list pages by their next links, feeds, CSV, snapshots. */
async function publicAnswers(): Promise<[string, string][]> {
  const paths = [
    "/",
    "/signatures",
    "/signatures?sort=az",
    "/signatures?q=fearful",
    "/signatures?q=hidden",
    "/press",
    "/api/v1/signatures",
    "/api/v1/signatures?q=withdrawer",
    "/api/v1/stats",
    "/signatures.csv",
    "/signatures.atom",
    "/badge.svg",
    "/embed",
    "/og/letter.svg",
    "/og/signatures.svg",
    "/press/snapshots.json",
    ...(await snapshotIndex()).map((s) => s.path),
  ];
  const bodies: [string, string][] = [];
  for (const p of paths) bodies.push([p, await (await get(p)).text()]);
  for (let p: string | null = "/api/v1/signatures?limit=5"; p;) {
    const text: string = await (await get(p)).text();
    bodies.push([p, text]);
    const next: string | null = (JSON.parse(text) as { links: { next: string | null } }).links.next;
    p = next ? next.replace("http://letters.test", "") : null;
  }
  for (let p: string | null = "/signatures?limit=5"; p;) {
    const html: string = await (await get(p)).text();
    bodies.push([p, html]);
    const next: string | undefined = /<a[^>]*href="([^"]+)"[^>]*rel="next"/.exec(html)?.[1];
    p = next ? next.replace(/&amp;/g, "&") : null;
  }
  return bodies;
}

describe("redactable snapshots", () => {
  it("take a withdrawn, a hidden and a renamed name out of every snapshot and every public answer, and every snapshot still verifies", async () => {
    const first = await takeDailySnapshot(t.db, letter.letterId);
    const second = await takeSnapshot(t.db, letter.letterId);
    expect(first).toMatchObject({ seq: 1, kind: "daily", rowCount: 16 });
    expect(second).toMatchObject({ seq: 2, kind: "on_demand", rowCount: 16, previousChainSha256: first!.chainSha256 });
    const files = (await snapshotIndex()).map((s) => s.path);
    expect(files).toHaveLength(2);
    const before = new Map<string, string>();
    for (const f of files) {
      const res = await get(f);
      const text = await res.text();
      expect(text, f).toContain(WITHDRAWN);
      expect(text, f).toContain(HIDDEN);
      before.set(f, res.headers.get("etag")!);
    }
    expect((await verify(server.url)).code).toBe(0);

    // The signer withdraws through the manage link; a moderator hides another; a third renames
    // themself (back to moderation, so off the list until approved again).
    const { token } = await issueToken(t.db, byName(WITHDRAWN).id, "manage");
    expect(await withdrawSignature(t.db, token)).toEqual({ status: "withdrawn" });
    const moderator = await addUser(t.db, `moderator.${Date.now()}@countersign.test`, "moderator");
    expect(
      await decide(t.db, { signatureId: byName(HIDDEN).id, decision: "hide", expectedState: "approved", actorId: moderator.id, reason: "fake" }),
    ).toMatchObject({ status: "done" });
    await t.db.updateTable("signatures").set({ state: "pending", display_name: "Someone Else" }).where("id", "=", byName(EDITED).id).execute();
    await refreshRollup(t.db, letter.letterId);

    for (const [p, body] of await publicAnswers()) {
      for (const name of [WITHDRAWN, HIDDEN, EDITED, "Pending Person"]) expect(body, `${p}: ${name}`).not.toContain(name);
      for (const s of seeded) {
        expect(body, `${p}: email`).not.toContain(s.email);
        expect(body, `${p}: ip hash`).not.toContain(s.ipHash);
        expect(body, `${p}: private name`).not.toContain(s.privateName);
      }
      expect(body, p).not.toContain("private-mail.test");
    }
    // Their salts are gone from the database too, so a guess cannot be confirmed.
    const left = await t.db
      .selectFrom("public_snapshot_rows")
      .select(["salt", "row_text"])
      .where("signature_id", "in", [byName(WITHDRAWN).id, byName(HIDDEN).id, byName(EDITED).id])
      .execute();
    expect(left).toHaveLength(6);
    expect(left.every((r) => r.salt === null && r.row_text === null)).toBe(true);

    for (const f of files) {
      const res = await get(f, { "If-None-Match": before.get(f)! });
      expect(res.status, f).toBe(200);
      expect(res.headers.get("etag"), f).not.toBe(before.get(f));
      expect(res.headers.get("cache-control"), f).not.toContain("immutable");
      expect(res.headers.get("cache-control"), f).not.toContain("stale-if-error");
      await res.arrayBuffer();
    }
    const index = await snapshotIndex();
    expect(index.map((s) => [s.chainSha256, s.root, s.redactedRows])).toEqual([
      [second.chainSha256, second.root, 3],
      [first!.chainSha256, first!.root, 3],
    ]);

    const online = await verify(server.url);
    expect(online.code, online.out).toBe(0);
    expect(online.out).toContain(`OK   ${first!.identifier}: 16 rows, 3 redacted`);
    expect(online.out).toContain(`OK   ${second.identifier}: 16 rows, 3 redacted`);
    const folder = path.join(scratch, "kept");
    await mkdir(folder, { recursive: true });
    await download(folder);
    const offline = await verify(folder);
    expect(offline.code, offline.out).toBe(0);
    expect(offline.out).toContain("all 2 snapshots verify (6 rows redacted in all)");
  }, 60_000);

  it("fails a tampered copy: a changed name, a changed salt, a dropped row, reordered rows", async () => {
    const original = path.join(scratch, "original");
    await mkdir(original, { recursive: true });
    const entries = await download(original);
    expect((await verify(original)).code).toBe(0);
    const target = entries.find((e) => e.seq === 1)!;
    const tamper = async (name: string, change: (lines: string[]) => string[]) => {
      const folder = path.join(scratch, name);
      await rm(folder, { recursive: true, force: true });
      await cp(original, folder, { recursive: true });
      const file = path.join(folder, `${target.identifier}.csv`);
      const lines = (await readFile(file, "utf8")).split("\r\n");
      await writeFile(file, change(lines).join("\r\n"));
      return verify(folder);
    };
    const intact = (lines: string[]) => lines.findIndex((l) => /^[0-9a-f]{64},[0-9a-f]{32},"Steady Signer 3"/.test(l));
    const cases: [string, (lines: string[]) => string[], string][] = [
      ["name", (l) => l.map((line, i) => (i === intact(l) ? line.replace(/Steady Signer/, "Steady Sinner") : line)), "does not match its digest"],
      [
        "salt",
        (l) => l.map((line, i) => (i === intact(l) ? `${line.slice(0, 65)}${line[65] === "0" ? "1" : "0"}${line.slice(66)}` : line)),
        "does not match its digest",
      ],
      ["dropped", (l) => l.filter((_, i) => i !== intact(l)), "15 rows, but 16 were published"],
      [
        "reordered",
        (l) => {
          const [a, b] = [intact(l), l.findIndex((line) => line.includes('"Steady Signer 4"'))];
          return l.map((line, i) => (i === a ? l[b]! : i === b ? l[a]! : line));
        },
        "the digests do not give the published root",
      ],
    ];
    for (const [name, change, reason] of cases) {
      const result = await tamper(name, change);
      expect(result.code, `${name}: ${result.out}`).toBe(1);
      expect(result.out, name).toMatch(new RegExp(`FAIL ${target.identifier}: (row \\d+ )?${reason}`));
    }
    // Rewriting snapshots.json to match a forged file breaks the next link instead.
    const forged = path.join(scratch, "forged-index");
    await rm(forged, { recursive: true, force: true });
    await cp(original, forged, { recursive: true });
    const index = JSON.parse(await readFile(path.join(forged, "snapshots.json"), "utf8")) as { data: IndexEntry[] };
    const entry = index.data.find((e) => e.seq === 1)!;
    entry.root = "f".repeat(64);
    entry.chainSha256 = chainLink(null, entry.identifier, entry.root, entry.rowCount);
    await writeFile(path.join(forged, "snapshots.json"), JSON.stringify(index));
    const result = await verify(forged);
    expect(result.code).toBe(1);
    expect(result.out).toContain(`FAIL ${entry.identifier}: the digests do not give the published root`);
    expect(result.out).toMatch(/FAIL 000002-\d{8}T\d{6}Z: the link to the previous snapshot is broken/);
  }, 60_000);

  it("chains on-demand snapshots between the daily ones, in the order they were taken", async () => {
    await t.db.deleteFrom("public_snapshots").execute();
    const daily = await takeDailySnapshot(t.db, letter.letterId);
    expect(await takeDailySnapshot(t.db, letter.letterId)).toBeUndefined();
    // As if that one had been taken yesterday.
    await t.db
      .updateTable("public_snapshots")
      .set({ daily_day: sql<Date>`daily_day - 1` })
      .where("seq", "=", 1)
      .execute();
    const onDemand = await takeSnapshot(t.db, letter.letterId);
    const another = await takeSnapshot(t.db, letter.letterId);
    const today = await takeDailySnapshot(t.db, letter.letterId);
    expect([daily, onDemand, another, today].map((s) => [s?.seq, s?.kind])).toEqual([
      [1, "daily"],
      [2, "on_demand"],
      [3, "on_demand"],
      [4, "daily"],
    ]);
    expect(onDemand.previousChainSha256).toBe(daily!.chainSha256);
    expect(another.previousChainSha256).toBe(onDemand.chainSha256);
    expect(today!.previousChainSha256).toBe(another.chainSha256);
    const identifiers = (await listSnapshots(t.db, letter.letterId)).map((s) => s.identifier);
    expect(new Set(identifiers).size).toBe(4);
    for (const id of identifiers) expect(id).toMatch(/^\d{6}-\d{8}T\d{6}Z$/);
    const result = await verify(server.url);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain("all 4 snapshots verify");
  }, 60_000);

  it("builds one snapshot at a time however many processes ask at once: on-demand ones wait their turn, a daily one a later tick", async () => {
    await t.db.deleteFrom("public_snapshots").execute();
    const results = await Promise.all([
      ...[1, 2, 3, 4].map(() => takeDailySnapshot(t.db, letter.letterId)),
      takeSnapshot(t.db, letter.letterId),
      takeSnapshot(t.db, letter.letterId),
    ]);
    expect(results.filter((r) => r?.kind === "daily").length).toBeLessThanOrEqual(1);
    expect(results.filter((r) => r?.kind === "on_demand")).toHaveLength(2);
    // The next tick takes the day's snapshot if an on-demand build had the turn; then none again.
    if (!results.some((r) => r?.kind === "daily")) expect(await takeDailySnapshot(t.db, letter.letterId)).toMatchObject({ kind: "daily" });
    expect(await takeDailySnapshot(t.db, letter.letterId)).toBeUndefined();
    const all = await listSnapshots(t.db, letter.letterId);
    expect(all.map((s) => s.seq)).toEqual([3, 2, 1]);
    // No two builds overlapped: each started after the one before was sealed.
    const spans = await t.db
      .selectFrom("public_snapshots")
      .select([sql<string>`started_at::text`.as("started"), sql<string>`taken_at::text`.as("sealed"), "seq"])
      .orderBy("seq")
      .execute();
    const times = await sql<{ ok: boolean }>`
      select bool_and(b.started_at >= a.taken_at) as ok from public_snapshots a join public_snapshots b on b.seq = a.seq + 1`.execute(t.db);
    expect(times.rows[0]!.ok, JSON.stringify(spans)).toBe(true);
    expect((await verify(server.url)).code).toBe(0);
  }, 60_000);

  it("redacts a name that leaves the list while a snapshot is being written", async () => {
    await t.db.deleteFrom("public_snapshots").execute();
    await seedApprovedBulk(t.db, letter, 2500, 3, "Zz Bulk");
    const [late] = await seedSignatures(t.db, letter, [{ name: "Zzz Last In Line" }]);
    const taking = takeSnapshot(t.db, letter.letterId);
    // Withdrawn while the first batches are written: the sealer or the trigger redacts it.
    const { token } = await issueToken(t.db, late!.id, "manage");
    expect(await withdrawSignature(t.db, token)).toEqual({ status: "withdrawn" });
    const taken = await taking;
    const rows = await t.db.selectFrom("public_snapshot_rows").select(["salt"]).where("signature_id", "=", late!.id).execute();
    expect(rows.every((r) => r.salt === null)).toBe(true);
    const file = await (await get(`/press/snapshots/${taken.identifier}.csv`)).text();
    expect(file).not.toContain("Zzz Last In Line");
    expect((await verify(server.url)).code).toBe(0);
  }, 120_000);

  it("walks the list in an order that featuring cannot change, so a build lists every name once", async () => {
    await seedApprovedBulk(t.db, letter, 600, 3, "Yy Featuring");
    await t.db.updateTable("signatures").set({ is_featured: false }).execute();
    const approved = await t.db.selectFrom("signatures").select("id").where("state", "=", "approved").orderBy("search_key").execute();
    const seen: string[] = [];
    let toggled = false;
    for await (const { signatureId } of eachPublicWithSignatureId(t.db, letter.letterId, SNAPSHOT_WALK, 100)) {
      seen.push(signatureId);
      if (seen.length === 150 && !toggled) {
        // Half-way: names the walk has passed and names it has not yet reached are featured.
        toggled = true;
        const ids = approved.map((r) => r.id);
        await t.db
          .updateTable("signatures")
          .set({ is_featured: true })
          .where("id", "in", [...ids.slice(0, 100), ...ids.slice(-100)])
          .execute();
      }
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(approved.length);
    await t.db.updateTable("signatures").set({ is_featured: false }).execute();
  });
});
