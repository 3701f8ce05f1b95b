import { sql } from "kysely";
import type { Updateable } from "kysely";
import type { Db } from "../../../db/client";
import type { DeliveryPacks } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import type { BadgeId } from "../public-list/badges";
import { parseCsvLine } from "../public-list/csv";
import { SHOWN_BY_NAME } from "../public-list/list.server";
import { takeSnapshot } from "../public-list/snapshots.server";
import { splitTitle } from "../letter/letter.server";
import { writePack, type PackCounts, type PackEntry } from "./pdf.server";
import { PACK_STATES, type PackState } from "./states";
import { DEFAULT_LANGUAGE } from "../../i18n";

/*
 * Delivery packs (docs/decisions/018-delivery-pack.md). An admin asks for one; the first web
 * process's tick claims it (a lease: heartbeat_at, fenced by the attempt number), chooses a sealed
 * snapshot, and writes the PDF into delivery_pack_chunks as it is made, a batch of names at a
 * time. Only when the last byte is written does the pack become `ready`; until then nothing is
 * served. A build whose process died stops beating, and the next claim starts it again from
 * nothing (its chunks are deleted first).
 */

/** A building pack whose heartbeat is older than this belongs to a process that died. */
export const LEASE_SECONDS = 60;
/** Builds started before a pack is marked failed. */
const MAX_ATTEMPTS = 3;
/** Names per query; the PDF goes to the database in pieces of CHUNK_BYTES. */
const BATCH = 1000;
const CHUNK_BYTES = 1 << 20;

export class PackBusyError extends Error {
  constructor() {
    super("A delivery pack is already being made: wait for it to finish.");
  }
}

/** The list's change counter: every change to what the list shows appends an event (decision 013), which takes a number from this sequence. */
async function listMarker(db: Db): Promise<string> {
  const { rows } = await sql<{ marker: string }>`select last_value::text as marker from public_list_events_id_seq`.execute(db);
  return rows[0]!.marker;
}

/** Asks for a pack; the background tick makes it. Throws PackBusyError while another is queued or building. */
export async function requestPack(db: Db, letterId: number, userId: string): Promise<{ id: string }> {
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto("delivery_packs")
        .values({ letter_id: letterId, requested_by: userId })
        .returning(sql<string>`id::text`.as("id"))
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { actor: `user:${userId}`, action: "delivery_pack_requested", subjectType: "delivery", subjectId: row.id });
      return row;
    });
  } catch (error) {
    // The one-in-flight index (delivery_packs_in_flight_idx).
    if ((error as { code?: string }).code === "23505") throw new PackBusyError();
    throw error;
  }
}

export interface ClaimedPack {
  id: string;
  letterId: number;
  attempt: number;
}

/**
 * Claims the oldest pack waiting, or one whose build stopped beating (its chunks are dropped: it
 * starts again). A pack that has failed MAX_ATTEMPTS times is marked failed instead.
 */
export async function claimPack(db: Db): Promise<ClaimedPack | undefined> {
  return db.transaction().execute(async (trx) => {
    await trx
      .updateTable("delivery_packs")
      .set({ state: PACK_STATES.failed, error: "the build stopped (the process ended) too many times" })
      .where("state", "=", PACK_STATES.building)
      .where("attempts", ">=", MAX_ATTEMPTS)
      .where(sql<boolean>`heartbeat_at < now() - make_interval(secs => ${LEASE_SECONDS})`)
      .execute();
    const claimed = await sql<{ id: string; letter_id: number; attempts: number }>`
      update delivery_packs set state = ${PACK_STATES.building}, attempts = attempts + 1, heartbeat_at = now(),
             rows_done = 0, rows_total = null, snapshot_id = null, counts = null, error = null
      where id = (
        select id from delivery_packs
        where state = ${PACK_STATES.queued}
           or (state = ${PACK_STATES.building} and heartbeat_at < now() - make_interval(secs => ${LEASE_SECONDS}))
        order by id limit 1 for update skip locked)
      returning id::text as id, letter_id, attempts`.execute(trx);
    const row = claimed.rows[0];
    if (!row) return undefined;
    await trx.deleteFrom("delivery_pack_chunks").where("pack_id", "=", row.id).execute();
    return { id: row.id, letterId: row.letter_id, attempt: row.attempts };
  });
}

/** Another process took the pack over (this one's lease lapsed): this build stops. */
class LeaseLostError extends Error {}

interface ChosenSnapshot {
  id: string;
  identifier: string;
  takenAt: string;
  root: string;
  chainSha256: string;
  rowCount: number;
}

async function newestSealed(db: Db, letterId: number): Promise<ChosenSnapshot | undefined> {
  return db
    .selectFrom("public_snapshots")
    .select([
      sql<string>`id::text`.as("id"),
      sql<string>`identifier`.as("identifier"),
      sql<string>`to_char(taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as("takenAt"),
      sql<string>`root`.as("root"),
      sql<string>`chain_sha256`.as("chainSha256"),
      sql<number>`row_count`.as("rowCount"),
    ])
    .where("letter_id", "=", letterId)
    .where("seq", "is not", null)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
}

/**
 * The snapshot a pack lists: the newest sealed one, when a pack already chose it and nothing on
 * the list has changed since (the change counter is where it was then); otherwise a fresh one,
 * sealed through the snapshot code like any other. The counter is read before the new snapshot
 * opens, so a change that lands while it is built makes the next pack take another.
 */
async function chooseSnapshot(db: Db, letterId: number): Promise<{ snapshot: ChosenSnapshot; marker: string }> {
  const marker = await listMarker(db);
  const newest = await newestSealed(db, letterId);
  if (newest) {
    const reused = await db
      .selectFrom("delivery_packs")
      .select("id")
      .where("snapshot_id", "=", newest.id)
      .where("list_marker", "=", marker)
      .limit(1)
      .executeTakeFirst();
    if (reused) return { snapshot: newest, marker };
  }
  await takeSnapshot(db, letterId);
  return { snapshot: (await newestSealed(db, letterId))!, marker };
}

/** The snapshot's rows still on the list (a name that left since is redacted in it). */
async function listedRows(db: Db, snapshotId: string): Promise<number> {
  const row = await db
    .selectFrom("public_snapshot_rows")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("snapshot_id", "=", snapshotId)
    .where("salt", "is not", null)
    .executeTakeFirstOrThrow();
  return row.n;
}

/** Approved signatures by kind, and how many of them are not named. A background count, never a request's. */
async function approvedCounts(db: Db, letterId: number, listed: number): Promise<PackCounts> {
  const rows = await db
    .selectFrom("signatures")
    .select(["kind", "named", sql<number>`count(*)::int`.as("n")])
    .where("letter_id", "=", letterId)
    .where("state", "=", sql.lit("approved"))
    .groupBy(["kind", "named"])
    .execute();
  const counts: PackCounts = { total: 0, listed, unnamed: 0, byKind: { artist: 0, label: 0, roster: 0 } };
  for (const r of rows) {
    counts.total += r.n;
    if (!r.named) counts.unnamed += r.n;
    if (r.kind in counts.byKind) counts.byKind[r.kind as keyof PackCounts["byKind"]] += r.n;
  }
  return counts;
}

/** A snapshot row's columns (its canonical CSV line, decision 012) as an entry of the pack. */
export function entryFromRow(rowText: string): PackEntry {
  const [name, kind, role, country, label, , , , badges] = parseCsvLine(rowText);
  return {
    name: name ?? "",
    kind: kind ?? "artist",
    role: role ?? "",
    country: country ?? "",
    label: label ?? null,
    badges: (badges ? badges.split(" ") : []) as BadgeId[],
  };
}

/**
 * The snapshot's rows still on the list, A–Z, a batch at a time: keyset pages over the listed
 * names (`SHOWN_BY_NAME`, index signatures_named_az_idx), each joined to its row in the snapshot.
 * The keys never change while a name stays listed (a new name or a new search key takes it off
 * the list, which redacts its row), so no row is read twice or missed. What is printed is the
 * row's own text, exactly what the snapshot commits to.
 */
export async function* snapshotEntries(db: Db, letterId: number, snapshotId: string, batch = BATCH): AsyncGenerator<PackEntry[]> {
  let after: { key: string; id: string } | undefined;
  for (;;) {
    const rows = await db
      .selectFrom("signatures as s")
      .innerJoin("public_snapshot_rows as r", (join) =>
        join.onRef("r.signature_id", "=", "s.id").on("r.snapshot_id", "=", snapshotId).on("r.salt", "is not", null),
      )
      .select(["s.search_key", "s.public_id", "r.row_text"])
      .where("s.letter_id", "=", letterId)
      .where(SHOWN_BY_NAME)
      .$if(after !== undefined, (q) => q.where(sql<boolean>`(s.search_key, s.public_id) > (${after!.key}, ${after!.id})`))
      .orderBy("s.search_key")
      .orderBy("s.public_id")
      .limit(batch)
      .execute();
    if (rows.length === 0) return;
    yield rows.map((r) => entryFromRow(r.row_text!));
    const last = rows[rows.length - 1]!;
    after = { key: last.search_key, id: last.public_id };
    // Let other requests in between batches (PGlite has one connection).
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Moves the pack on, only while this build still holds it. */
async function beat(db: Db, pack: ClaimedPack, set: Updateable<DeliveryPacks> = {}) {
  const result = await db
    .updateTable("delivery_packs")
    .set({ ...set, heartbeat_at: sql<Date>`now()` })
    .where("id", "=", pack.id)
    .where("state", "=", PACK_STATES.building)
    .where("attempts", "=", pack.attempt)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new LeaseLostError();
}

/**
 * Builds a claimed pack to the end. A name that leaves the list while the PDF is written would
 * be in it: the build then starts again from a fresh snapshot (at most three times).
 */
export async function buildPack(db: Db, pack: ClaimedPack, siteUrl: string, timings?: PackTimings): Promise<"ready" | "lost"> {
  try {
    for (let round = 1; ; round++) {
      const choosing = performance.now();
      const { snapshot, marker } = await chooseSnapshot(db, pack.letterId);
      if (timings) timings.snapshotMs += performance.now() - choosing;
      const listed = await listedRows(db, snapshot.id);
      const counts = await approvedCounts(db, pack.letterId, listed);
      // The English text in force: the pack is delivered in the letter's original language (decision 019).
      const letter = await db
        .selectFrom("letter_current_versions as c")
        .innerJoin("letter_versions as v", "v.id", "c.version_id")
        .select(["v.id", "v.sha256", "v.body_markdown"])
        .where("c.letter_id", "=", pack.letterId)
        .where("c.language", "=", DEFAULT_LANGUAGE)
        .executeTakeFirstOrThrow();
      await beat(db, pack, {
        snapshot_id: snapshot.id,
        list_marker: marker,
        letter_version_id: letter.id,
        rows_total: listed,
        rows_done: 0,
        counts: JSON.stringify(counts),
      });
      await db.deleteFrom("delivery_pack_chunks").where("pack_id", "=", pack.id).execute();
      const madeAt = new Date().toISOString();
      const { title, body } = splitTitle(letter.body_markdown);
      let seq = 0;
      const writing = performance.now();
      const written = await writePack(
        { title, letterBody: body, letterSha256: letter.sha256, madeAt, siteUrl, snapshot, counts },
        snapshotEntries(db, pack.letterId, snapshot.id),
        async (chunk) => {
          await db.insertInto("delivery_pack_chunks").values({ pack_id: pack.id, seq: seq++, data: chunk }).execute();
        },
        (done) => beat(db, pack, { rows_done: done }),
        CHUNK_BYTES,
      );
      if (timings) timings.pdfMs += performance.now() - writing;
      // Every name printed must still be listed: none may have left while the pages were written.
      const stillListed = await listedRows(db, snapshot.id);
      if (written.entries !== listed || stillListed !== listed) {
        if (round >= 3) throw new Error("the list kept changing while the pack was made; try again");
        continue;
      }
      const finished = await db.transaction().execute(async (trx) => {
        const result = await trx
          .updateTable("delivery_packs")
          .set({
            state: PACK_STATES.ready,
            sha256: written.sha256,
            byte_size: written.byteSize,
            made_at: sql<Date>`${madeAt}::timestamptz`,
            rows_done: written.entries,
          })
          .where("id", "=", pack.id)
          .where("state", "=", PACK_STATES.building)
          .where("attempts", "=", pack.attempt)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) return false;
        await recordAudit(trx, {
          actor: "system",
          action: "delivery_pack_ready",
          subjectType: "delivery",
          subjectId: pack.id,
          after: `sha256 ${written.sha256}, snapshot ${snapshot.identifier}, ${written.entries} names`,
        });
        return true;
      });
      return finished ? "ready" : "lost";
    }
  } catch (error) {
    if (error instanceof LeaseLostError) return "lost";
    await db
      .updateTable("delivery_packs")
      .set({ state: PACK_STATES.failed, error: (error as Error).message.slice(0, 500) })
      .where("id", "=", pack.id)
      .where("attempts", "=", pack.attempt)
      .execute();
    throw error;
  }
}

/** Where a build's time went (summed over its rounds): choosing or sealing the snapshot, writing the PDF. */
export interface PackTimings {
  snapshotMs: number;
  pdfMs: number;
}

/** The background duty: claims and builds the next pack, if any. Returns the pack's id and outcome. */
export async function runNextPack(db: Db, siteUrl: string, timings?: PackTimings): Promise<{ id: string; outcome: "ready" | "lost" } | undefined> {
  const pack = await claimPack(db);
  if (!pack) return undefined;
  return { id: pack.id, outcome: await buildPack(db, pack, siteUrl, timings) };
}

/** Whether a pack waits to be built (queued, or its build stopped beating): a cheap look before starting a builder. */
export async function packWaiting(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom("delivery_packs")
    .select("id")
    .where(sql<boolean>`state = ${PACK_STATES.queued} or (state = ${PACK_STATES.building} and heartbeat_at < now() - make_interval(secs => ${LEASE_SECONDS}))`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export interface PackSummary {
  id: string;
  state: PackState;
  requestedAt: string;
  madeAt: string | null;
  rowsDone: number;
  rowsTotal: number | null;
  byteSize: number | null;
  sha256: string | null;
  snapshotIdentifier: string | null;
  snapshotChainSha256: string | null;
  counts: PackCounts | null;
  error: string | null;
  /** Names in the pack that have left the list since it was made (its snapshot's rows redacted since). */
  leftSince: number;
}

const iso = (column: string) => sql<string>`to_char(${sql.ref(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;

/** The newest packs of a letter, for the admin page. */
export async function listPacks(db: Db, letterId: number, limit = 10): Promise<PackSummary[]> {
  const rows = await db
    .selectFrom("delivery_packs as p")
    .leftJoin("public_snapshots as s", "s.id", "p.snapshot_id")
    .select([
      sql<string>`p.id::text`.as("id"),
      "p.state",
      iso("p.requested_at").as("requested_at"),
      iso("p.made_at").as("made_at"),
      "p.rows_done",
      "p.rows_total",
      "p.byte_size",
      "p.sha256",
      "s.identifier",
      "s.chain_sha256",
      "s.row_count",
      "p.counts",
      "p.error",
      (eb) =>
        eb
          .selectFrom("public_snapshot_rows as r")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("r.snapshot_id", "=", "p.snapshot_id")
          .where("r.salt", "is", null)
          .as("redacted"),
    ])
    .where("p.letter_id", "=", letterId)
    .orderBy("p.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => {
    const counts = r.counts as PackCounts | null;
    // The pack holds the rows listed when it was made; those redacted since have left the list.
    const listedNow = (r.row_count ?? 0) - (r.redacted ?? 0);
    return {
      id: r.id,
      state: r.state,
      requestedAt: r.requested_at,
      madeAt: r.made_at,
      rowsDone: r.rows_done,
      rowsTotal: r.rows_total,
      byteSize: r.byte_size,
      sha256: r.sha256,
      snapshotIdentifier: r.identifier ?? null,
      snapshotChainSha256: r.chain_sha256 ?? null,
      counts,
      error: r.error,
      leftSince: counts && r.state === PACK_STATES.ready ? Math.max(0, counts.listed - listedNow) : 0,
    };
  });
}

/** A ready pack's PDF, a stored piece at a time (never a pack still being made or one that failed). */
export async function packPdf(db: Db, letterId: number, id: string) {
  const pack = await db
    .selectFrom("delivery_packs")
    .select(["sha256", "byte_size", iso("made_at").as("made_at")])
    .where("id", "=", id)
    .where("letter_id", "=", letterId)
    .where("state", "=", PACK_STATES.ready)
    .executeTakeFirst();
  if (!pack) return undefined;
  return {
    sha256: pack.sha256!,
    byteSize: pack.byte_size!,
    madeAt: pack.made_at,
    chunks: async function* () {
      for (let seq = 0; ; seq++) {
        const chunk = await db.selectFrom("delivery_pack_chunks").select("data").where("pack_id", "=", id).where("seq", "=", seq).executeTakeFirst();
        if (!chunk) return;
        yield new Uint8Array(chunk.data);
      }
    },
  };
}
