import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { CSV_BOM, CSV_HEADER, csvRow } from "./csv";
import { eachPublic } from "./list.server";

const GENESIS = "0".repeat(64);

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * Each day's link: the hash of the previous link, the day, the export's hash and its row count.
 * Changing any past export, or dropping a day, changes every link after it.
 */
export function chainLink(previous: string | null, day: string, contentSha256: string, rowCount: number): string {
  return sha256(`${previous ?? GENESIS}\n${day}\n${contentSha256}\n${rowCount}`);
}

export interface SnapshotSummary {
  day: string;
  takenAt: string;
  rowCount: number;
  sha256: string;
  previousChainSha256: string | null;
  chainSha256: string;
}

/**
 * The approved list as a CSV in A–Z order, so the same list always gives the same bytes. Stored
 * without its byte-order mark (a database driver may drop a leading BOM when it decodes text);
 * the published file, and so its hash, starts with one.
 */
async function exportList(db: Db, letterId: number): Promise<{ content: string; rowCount: number }> {
  const parts: string[] = [CSV_HEADER];
  let rowCount = 0;
  for await (const item of eachPublic(db, letterId, { sort: "az" }, 2000)) {
    parts.push(csvRow(item));
    rowCount += 1;
  }
  return { content: parts.join(""), rowCount };
}

/**
 * Takes today's (UTC) snapshot if there is none yet; returns it, or undefined when it existed.
 * Many processes may call this at once: the primary key keeps one, and the lock keeps the chain
 * in order.
 */
export async function takeDailySnapshot(db: Db, letterId: number): Promise<SnapshotSummary | undefined> {
  const today = await sql<{ day: string }>`select (now() at time zone 'UTC')::date::text as day`.execute(db);
  const day = today.rows[0]!.day;
  const exists = await db
    .selectFrom("public_snapshots")
    .select("day")
    .where("letter_id", "=", letterId)
    .where(sql<boolean>`day = ${day}::date`)
    .executeTakeFirst();
  if (exists) return undefined;
  const { content, rowCount } = await exportList(db, letterId);
  const contentSha = sha256(CSV_BOM + content);
  return db.transaction().execute(async (trx) => {
    // Serialise writers of this letter's chain.
    await trx.selectFrom("letters").select("id").where("id", "=", letterId).forUpdate().executeTakeFirst();
    const previous = await trx
      .selectFrom("public_snapshots")
      .select(["chain_sha256", sql<string>`day::text`.as("day")])
      .where("letter_id", "=", letterId)
      .orderBy("day", "desc")
      .limit(1)
      .executeTakeFirst();
    if (previous && previous.day >= day) return undefined;
    const chain = chainLink(previous?.chain_sha256 ?? null, day, contentSha, rowCount);
    const inserted = await trx
      .insertInto("public_snapshots")
      .values({
        letter_id: letterId,
        day: sql<Date>`${day}::date`,
        taken_at: sql<Date>`now()`,
        row_count: rowCount,
        sha256: contentSha,
        previous_chain_sha256: previous?.chain_sha256 ?? null,
        chain_sha256: chain,
        content,
      })
      .onConflict((oc) => oc.columns(["letter_id", "day"]).doNothing())
      .returning([sql<string>`taken_at::text`.as("taken_at")])
      .executeTakeFirst();
    if (!inserted) return undefined;
    return { day, takenAt: inserted.taken_at, rowCount, sha256: contentSha, previousChainSha256: previous?.chain_sha256 ?? null, chainSha256: chain };
  });
}

const summaryColumns = [
  sql<string>`day::text`.as("day"),
  sql<string>`to_char(taken_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`.as("taken_at"),
  "row_count",
  "sha256",
  "previous_chain_sha256",
  "chain_sha256",
] as const;

/** Every snapshot, newest first, without its content. */
export async function listSnapshots(db: Db, letterId: number): Promise<SnapshotSummary[]> {
  const rows = await db.selectFrom("public_snapshots").select(summaryColumns).where("letter_id", "=", letterId).orderBy("day", "desc").execute();
  return rows.map((r) => ({
    day: r.day,
    takenAt: r.taken_at,
    rowCount: r.row_count,
    sha256: r.sha256,
    previousChainSha256: r.previous_chain_sha256,
    chainSha256: r.chain_sha256,
  }));
}

/**
 * A day's published file (with its BOM), byte for byte what was hashed, and its hashes. The day is
 * compared as text, so a day that does not exist ("2026-02-31") is simply not found.
 */
export async function snapshotFile(db: Db, letterId: number, day: string) {
  const row = await db
    .selectFrom("public_snapshots")
    .select(["content", "sha256", "chain_sha256"])
    .where("letter_id", "=", letterId)
    .where(sql<boolean>`day::text = ${day}`)
    .executeTakeFirst();
  return row && { content: CSV_BOM + row.content, sha256: row.sha256, chainSha256: row.chain_sha256 };
}

export interface ChainCheck {
  ok: boolean;
  /** The first day whose export or link does not match, with what is wrong. */
  problem?: { day: string; reason: string };
}

/** Recomputes every export's hash and every link, oldest first: what anyone can do with the downloads. */
export async function verifySnapshotChain(db: Db, letterId: number): Promise<ChainCheck> {
  const rows = await db
    .selectFrom("public_snapshots")
    .select([sql<string>`day::text`.as("day"), "row_count", "sha256", "previous_chain_sha256", "chain_sha256", "content"])
    .where("letter_id", "=", letterId)
    .orderBy("day", "asc")
    .execute();
  let previous: string | null = null;
  for (const row of rows) {
    if (sha256(CSV_BOM + row.content) !== row.sha256) return { ok: false, problem: { day: row.day, reason: "the export does not match its hash" } };
    if (row.previous_chain_sha256 !== previous) return { ok: false, problem: { day: row.day, reason: "the link to the previous day is broken" } };
    if (chainLink(previous, row.day, row.sha256, row.row_count) !== row.chain_sha256)
      return { ok: false, problem: { day: row.day, reason: "the chain hash does not match" } };
    previous = row.chain_sha256;
  }
  return { ok: true };
}
