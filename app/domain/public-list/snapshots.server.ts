import { createHash, randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { SNAPSHOT_LOCK_KEY } from "../../../db/migrations/2026_11_30_1200_redactable_snapshots";
import { sha256 } from "../common/hash";
import { CSV_BOM, CSV_COLUMNS, csvRow } from "./csv";
import { eachPublicWithSignatureId, type PublicSignature } from "./list.server";

/*
 * Redactable snapshots (docs/decisions/012-redactable-snapshots.md). A snapshot is the approved
 * list, A–Z, one row per name: `digest,salt,<the public columns>`. digest = sha256(salt ‖ row),
 * where salt is 32 hex characters (128 random bits) and row is the name's public columns encoded
 * exactly as in /signatures.csv, without the line ending. root = sha256 of the digests' hex
 * strings joined with nothing, in file order. link = sha256(previous link or 64 zeros, the
 * snapshot's identifier, root, row count, joined by "\n"). When a name leaves the list, the
 * database blanks its salt and columns in every snapshot: its digest stays, so root and links do.
 * scripts/verify-snapshots.mjs checks all of it from the published files alone.
 */

const GENESIS = "0".repeat(64);
const BATCH = 1000;
/** A build that has not been sealed after this long belongs to a process that died: it is dropped. */
const STALE_BUILD = "1 hour";

export const SNAPSHOT_COLUMNS = ["digest", "salt", ...CSV_COLUMNS] as const;
export const SNAPSHOT_HEADER = `${SNAPSHOT_COLUMNS.join(",")}\r\n`;
/** A redacted row: its digest, then every other field empty. */
const REDACTED_TAIL = ",".repeat(SNAPSHOT_COLUMNS.length - 1);

/** The canonical encoding of a name's public columns: its /signatures.csv line without CRLF. */
export function canonicalRow(item: PublicSignature): string {
  return csvRow(item).slice(0, -2);
}

/** sha256(salt ‖ row): the salt has a fixed length, so the split is never ambiguous. */
export function rowDigest(salt: string, row: string): string {
  return sha256(salt + row);
}

/** One line of a snapshot file. */
export function snapshotLine(digest: string, salt: string | null, row: string | null): string {
  return salt === null || row === null ? `${digest}${REDACTED_TAIL}\r\n` : `${digest},${salt},${row}\r\n`;
}

/**
 * Each snapshot's link: the previous link, the snapshot's identifier, its root and its row count.
 * Changing any past snapshot's rows, or dropping a snapshot, changes every link after it.
 */
export function chainLink(previous: string | null, identifier: string, root: string, rowCount: number): string {
  return sha256(`${previous ?? GENESIS}\n${identifier}\n${root}\n${rowCount}`);
}

export type SnapshotKind = "daily" | "on_demand";

export interface SnapshotSummary {
  /** `<sequence, 6 digits>-<UTC time sealed, YYYYMMDDTHHMMSSZ>`: the file is /press/snapshots/<identifier>.csv. */
  identifier: string;
  seq: number;
  kind: SnapshotKind;
  takenAt: string;
  rowCount: number;
  /** Rows whose name has since left the list (their digest remains). */
  redactedRows: number;
  root: string;
  previousChainSha256: string | null;
  chainSha256: string;
}

/**
 * Opens a build of the given kind. The exclusive lock waits for any name already leaving the list
 * to commit, so whatever leaves later finds this build open and is recorded as a departure.
 * One build is in flight at a time across every process: the open, unsealed build is the lease
 * (dropped as stale after STALE_BUILD, when its process died). Returns "busy" while another is
 * being built, and "taken" when today's daily snapshot exists already.
 */
async function openBuild(db: Db, letterId: number, kind: SnapshotKind): Promise<{ id: string } | "busy" | "taken"> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SNAPSHOT_LOCK_KEY}, ${letterId})`.execute(trx);
    await trx
      .deleteFrom("public_snapshots")
      .where("letter_id", "=", letterId)
      .where("seq", "is", null)
      .where(sql<boolean>`started_at < now() - ${STALE_BUILD}::interval`)
      .execute();
    const inFlight = await trx.selectFrom("public_snapshots").select("id").where("letter_id", "=", letterId).where("seq", "is", null).executeTakeFirst();
    if (inFlight) return "busy";
    const inserted = await trx
      .insertInto("public_snapshots")
      // The time the lease was taken (not the transaction's start, which may predate the lock).
      .values({
        letter_id: letterId,
        kind,
        daily_day: kind === "daily" ? sql<Date>`(now() at time zone 'UTC')::date` : null,
        started_at: sql<Date>`clock_timestamp()`,
      })
      .onConflict((oc) => oc.columns(["letter_id", "daily_day"]).doNothing())
      .returning(sql<string>`id::text`.as("id"))
      .executeTakeFirst();
    return inserted ? { id: inserted.id } : "taken";
  });
}

/**
 * The order a build walks the list in: by approval, newest first. Its keys never change while a name
 * stays approved (featuring would move a name across an A–Z walk, so it would be written twice or
 * missed); a name that leaves and comes back is redacted, and comes back behind the walk.
 */
export const SNAPSHOT_WALK = { sort: "recent" } as const;

/** A snapshot's rows in file order (by digest), a batch at a time. */
async function* digestOrdered(db: Db, snapshotId: string) {
  let after = "";
  for (;;) {
    const rows = await db
      .selectFrom("public_snapshot_rows")
      .select(["digest", "salt", "row_text"])
      .where("snapshot_id", "=", snapshotId)
      .where("digest", ">", after)
      .orderBy("digest")
      .limit(BATCH)
      .execute();
    if (rows.length === 0) return;
    yield rows;
    after = rows[rows.length - 1]!.digest;
    // Let other requests in between batches (PGlite has one connection).
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Writes the approved list into the build a batch at a time (flat memory), then seals it. */
async function build(db: Db, letterId: number, snapshotId: string, kind: SnapshotKind): Promise<SnapshotSummary> {
  try {
    let position = 0;
    let batch: { snapshot_id: string; position: number; signature_id: string; digest: string; salt: string; row_text: string }[] = [];
    const flush = async () => {
      if (batch.length > 0) await db.insertInto("public_snapshot_rows").values(batch).execute();
      batch = [];
    };
    for await (const { item, signatureId } of eachPublicWithSignatureId(db, letterId, SNAPSHOT_WALK, BATCH)) {
      const salt = randomBytes(16).toString("hex");
      const row = canonicalRow(item);
      const digest = rowDigest(salt, row);
      position += 1;
      batch.push({ snapshot_id: snapshotId, position, signature_id: signatureId, digest, salt, row_text: row });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    // Fresh statistics first: planned from a table thought empty, each batch of the walk below
    // sorted every row after it (a 1,000,000-row build took minutes; decision 013).
    await sql`analyze public_snapshot_rows`.execute(db);
    // The root follows the file's order: the digests sorted.
    const root = createHash("sha256");
    for await (const rows of digestOrdered(db, snapshotId)) for (const r of rows) root.update(r.digest, "utf8");
    return await seal(db, letterId, snapshotId, kind, root.digest("hex"), position);
  } catch (error) {
    await db.deleteFrom("public_snapshots").where("id", "=", snapshotId).where("seq", "is", null).execute();
    throw error;
  }
}

/**
 * Seals a build as the next link of the chain. Under the exclusive lock every name that left the
 * list while the rows were written has committed its departure; its rows here are redacted first.
 */
async function seal(db: Db, letterId: number, snapshotId: string, kind: SnapshotKind, root: string, rowCount: number): Promise<SnapshotSummary> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SNAPSHOT_LOCK_KEY}, ${letterId})`.execute(trx);
    const redacted = await sql`
      update public_snapshot_rows set salt = null, row_text = null
      where snapshot_id = ${snapshotId} and salt is not null
        and signature_id in (select signature_id from public_snapshot_departures where snapshot_id = ${snapshotId})`.execute(trx);
    await trx.deleteFrom("public_snapshot_departures").where("snapshot_id", "=", snapshotId).execute();
    const previous = await trx
      .selectFrom("public_snapshots")
      .select(["seq", "chain_sha256"])
      .where("letter_id", "=", letterId)
      .where("seq", "is not", null)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const seq = (previous?.seq ?? 0) + 1;
    const time = await sql<{ stamp: string; iso: string; at: string }>`
      select to_char(t at time zone 'UTC', 'YYYYMMDD"T"HH24MISS"Z"') as stamp,
             to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as iso, t::text as at
      from clock_timestamp() as t`.execute(trx);
    const { stamp, iso, at } = time.rows[0]!;
    const identifier = `${String(seq).padStart(6, "0")}-${stamp}`;
    const previousChain = previous?.chain_sha256 ?? null;
    const chain = chainLink(previousChain, identifier, root, rowCount);
    await trx
      .updateTable("public_snapshots")
      .set({
        seq,
        identifier,
        taken_at: sql<Date>`${at}::timestamptz`,
        row_count: rowCount,
        root,
        previous_chain_sha256: previousChain,
        chain_sha256: chain,
      })
      .where("id", "=", snapshotId)
      .execute();
    return {
      identifier,
      seq,
      kind,
      takenAt: iso,
      rowCount,
      redactedRows: Number(redacted.numAffectedRows ?? 0),
      root,
      previousChainSha256: previousChain,
      chainSha256: chain,
    };
  });
}

/**
 * Takes today's (UTC) snapshot if no process has yet; returns it, or undefined when it was taken
 * (or is being taken) already. Many processes may call this at once: the unique day keeps one.
 */
export async function takeDailySnapshot(db: Db, letterId: number): Promise<SnapshotSummary | undefined> {
  const taken = await db
    .selectFrom("public_snapshots")
    .select("id")
    .where("letter_id", "=", letterId)
    .where(sql<boolean>`daily_day = (now() at time zone 'UTC')::date`)
    .executeTakeFirst();
  if (taken) return undefined;
  // Another build in flight (an on-demand one, or another process's): a later tick takes it.
  const opened = await openBuild(db, letterId, "daily");
  return typeof opened === "string" ? undefined : build(db, letterId, opened.id, "daily");
}

/**
 * Takes a snapshot now (the admin button, `npm run snapshot`), chained after the last one; waits
 * its turn while another build is in flight (at most `waitMs`).
 */
export async function takeSnapshot(db: Db, letterId: number, waitMs = 10 * 60_000): Promise<SnapshotSummary> {
  const until = Date.now() + waitMs;
  for (;;) {
    const opened = await openBuild(db, letterId, "on_demand");
    if (typeof opened !== "string") return build(db, letterId, opened.id, "on_demand");
    if (Date.now() > until) throw new Error("another snapshot is still being taken; try again later");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const summaryColumns = [
  sql<string>`s.id::text`.as("id"),
  "s.identifier",
  "s.seq",
  "s.kind",
  sql<string>`to_char(s.taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as("taken_at"),
  "s.row_count",
  "s.root",
  "s.previous_chain_sha256",
  "s.chain_sha256",
] as const;

/** A letter's sealed snapshots with their summaries and how many of their rows are redacted. */
function sealed(db: Db, letterId: number) {
  return db
    .selectFrom("public_snapshots as s")
    .select(summaryColumns)
    .select((eb) =>
      eb
        .selectFrom("public_snapshot_rows as r")
        .select(sql<number>`count(*)::int`.as("n"))
        .whereRef("r.snapshot_id", "=", "s.id")
        .where("r.salt", "is", null)
        .as("redacted"),
    )
    .where("s.letter_id", "=", letterId)
    .where("s.seq", "is not", null);
}

/** Every sealed snapshot, newest first, with how many of its rows are redacted. */
export async function listSnapshots(db: Db, letterId: number): Promise<SnapshotSummary[]> {
  const rows = await sealed(db, letterId).orderBy("s.seq", "desc").execute();
  return rows.map((r) => ({
    identifier: r.identifier!,
    seq: r.seq!,
    kind: r.kind,
    takenAt: r.taken_at,
    rowCount: r.row_count!,
    redactedRows: r.redacted ?? 0,
    root: r.root!,
    previousChainSha256: r.previous_chain_sha256,
    chainSha256: r.chain_sha256!,
  }));
}

export interface SnapshotFile {
  identifier: string;
  root: string;
  chainSha256: string;
  rowCount: number;
  /** Changes whenever a row is redacted (redaction only ever adds to this count). */
  redactedRows: number;
  /** The file, a batch of rows at a time: BOM, header, then every row in the order of its digest. */
  lines: () => AsyncGenerator<string>;
}

/** A sealed snapshot's file by its identifier, or undefined when there is none. */
export async function snapshotFile(db: Db, letterId: number, identifier: string): Promise<SnapshotFile | undefined> {
  const head = await sealed(db, letterId).where("s.identifier", "=", identifier).executeTakeFirst();
  if (!head) return undefined;
  return {
    identifier,
    root: head.root!,
    chainSha256: head.chain_sha256!,
    rowCount: head.row_count!,
    redactedRows: head.redacted ?? 0,
    lines: async function* () {
      yield CSV_BOM + SNAPSHOT_HEADER;
      for await (const rows of digestOrdered(db, head.id)) yield rows.map((r) => snapshotLine(r.digest, r.salt, r.row_text)).join("");
    },
  };
}
