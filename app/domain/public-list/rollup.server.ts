import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { SIGNATURE_STATES } from "../signatures/states";

/** The public figures, as the roll-up last computed them. */
export interface PublicStats {
  total: number;
  byKind: { artist: number; label: number; roster: number };
  /** Of `total`, the signatures counted without a name shown (decision 016). */
  unnamed: number;
  byCountry: { country: string; count: number }[];
  /** Approvals per day (UTC) and the running total, oldest first; days without any are left out. */
  perDay: { day: string; count: number; cumulative: number }[];
  byVersion: { versionId: number; count: number }[];
  /** When the roll-up was last refreshed (ISO), or null before the first refresh. */
  updatedAt: string | null;
}

type StoredStats = Omit<PublicStats, "updatedAt">;

export const EMPTY_STATS: StoredStats = { total: 0, byKind: { artist: 0, label: 0, roster: 0 }, unnamed: 0, byCountry: [], perDay: [], byVersion: [] };

/** What pages and the API read: one row, never a count over the signatures. */
export async function readStats(db: Db, letterId: number): Promise<PublicStats> {
  const row = await db.selectFrom("public_rollups").select(["stats", "refreshed_at"]).where("letter_id", "=", letterId).executeTakeFirst();
  if (!row) return { ...EMPTY_STATS, updatedAt: null };
  // Figures stored before unnamed signing existed have no `unnamed`: none were.
  return { ...EMPTY_STATS, ...(row.stats as Partial<StoredStats>), updatedAt: row.refreshed_at.toISOString() };
}

/** Locks the letter's roll-up row (creating it), so refreshes from many processes take turns. */
async function lockRollup(trx: Db, letterId: number) {
  await trx
    .insertInto("public_rollups")
    .values({ letter_id: letterId, stats: JSON.stringify(EMPTY_STATS), refreshed_at: sql<Date>`now()` })
    .onConflict((oc) => oc.column("letter_id").doNothing())
    .execute();
  return trx.selectFrom("public_rollups").select(["reconciled_at"]).where("letter_id", "=", letterId).forUpdate().executeTakeFirstOrThrow();
}

async function summarise(trx: Db, letterId: number): Promise<StoredStats> {
  const buckets = await trx
    .selectFrom("public_count_buckets")
    .select(["letter_version_id", "kind", "country", sql<string>`day::text`.as("day"), "named", "n"])
    .where("letter_id", "=", letterId)
    .where("n", "<>", 0)
    .execute();
  const stats: StoredStats = structuredClone(EMPTY_STATS);
  const countries = new Map<string, number>();
  const days = new Map<string, number>();
  const versions = new Map<number, number>();
  for (const b of buckets) {
    stats.total += b.n;
    if (!b.named) stats.unnamed += b.n;
    if (b.kind in stats.byKind) stats.byKind[b.kind as keyof StoredStats["byKind"]] += b.n;
    countries.set(b.country, (countries.get(b.country) ?? 0) + b.n);
    days.set(b.day, (days.get(b.day) ?? 0) + b.n);
    versions.set(b.letter_version_id, (versions.get(b.letter_version_id) ?? 0) + b.n);
  }
  stats.byCountry = [...countries]
    .filter(([, count]) => count > 0)
    .map(([country, count]) => ({ country, count }))
    .sort((a, b) => b.count - a.count || a.country.localeCompare(b.country));
  let cumulative = 0;
  stats.perDay = [...days]
    .sort(([a], [b]) => a.localeCompare(b))
    .filter(([, count]) => count !== 0)
    .map(([day, count]) => ({ day, count, cumulative: (cumulative += count) }));
  stats.byVersion = [...versions].map(([versionId, count]) => ({ versionId, count })).sort((a, b) => a.versionId - b.versionId);
  return stats;
}

async function bumpChangeSeq(trx: Db, letterId: number) {
  await trx
    .updateTable("public_rollups")
    .set({ change_seq: sql<string>`change_seq + 1` })
    .where("letter_id", "=", letterId)
    .execute();
}

/**
 * The roll-up's change counter: it moves on whenever a refresh folds a change to what the public
 * list shows, so an export's ETag is known before its first row is read (decision 013). It lags
 * the list by at most PUBLIC_REFRESH_SECONDS, as the counts do.
 */
export async function listChangeSeq(db: Db, letterId: number): Promise<string> {
  const row = await db
    .selectFrom("public_rollups")
    .select(sql<string>`change_seq::text`.as("seq"))
    .where("letter_id", "=", letterId)
    .executeTakeFirst();
  return row?.seq ?? "0";
}

/**
 * What the public list shows, as a tag that moves the moment a change to it commits: the change
 * counter (moved by each refresh that folds a change) and the newest change not folded yet (every
 * change to what the list shows appends one, in the same transaction; decision 013). Two index
 * lookups, and the newest sealed snapshot. Rendered pages and exports are tagged with it before they are read (decision 015).
 */
export async function listStateTag(db: Db, letterId: number): Promise<string> {
  const { rows } = await sql<{ tag: string }>`
    select (select campaign_state from letters where id = ${letterId})
      || '.' || coalesce((select change_seq::text from public_rollups where letter_id = ${letterId}), '0')
      || '.' || coalesce((select max(id)::text from public_list_events where letter_id = ${letterId}), '0')
      -- A snapshot sealed changes /press and the snapshot index, though not the list itself.
      || '.' || coalesce((select max(seq)::text from public_snapshots where letter_id = ${letterId} and seq is not null), '0') as tag`.execute(db);
  return rows[0]?.tag ?? "public.0.0.0";
}

async function storeStats(trx: Db, letterId: number, stats: StoredStats) {
  await trx
    .updateTable("public_rollups")
    .set({ stats: JSON.stringify(stats), refreshed_at: sql<Date>`now()` })
    .where("letter_id", "=", letterId)
    .execute();
}

/**
 * Folds the changes appended since the last refresh into the buckets and rewrites the figures.
 * Cost grows with the changes since the last run, not with the list. Safe from any process.
 */
export async function refreshRollup(db: Db, letterId: number): Promise<{ folded: number }> {
  return db.transaction().execute(async (trx) => {
    await lockRollup(trx, letterId);
    const folded = await sql<{ folded: number; events: number }>`
      with folded as (
        delete from public_list_events where letter_id = ${letterId}
        returning letter_version_id, kind, country, day, named, delta
      ), summed as (
        insert into public_count_buckets (letter_id, letter_version_id, kind, country, day, named, n)
        select ${letterId}, letter_version_id, kind, country, day, named, sum(delta)::int from folded
        group by letter_version_id, kind, country, day, named
        on conflict (letter_id, letter_version_id, kind, country, day, named)
        do update set n = public_count_buckets.n + excluded.n
        returning 1
      )
      select (select count(*) from folded where delta <> 0)::int as folded, (select count(*) from folded)::int as events,
             (select count(*) from summed)::int as buckets`.execute(trx);
    await trx.deleteFrom("public_count_buckets").where("letter_id", "=", letterId).where("n", "=", 0).execute();
    await storeStats(trx, letterId, await summarise(trx, letterId));
    // Any change to what the list shows (counted or not) moves the change counter on.
    if ((folded.rows[0]?.events ?? 0) > 0) await bumpChangeSeq(trx, letterId);
    return { folded: folded.rows[0]?.folded ?? 0 };
  });
}

/**
 * Recounts the buckets from the signatures themselves, in one snapshot, and records how far the
 * roll-up had drifted (0 unless something bypassed the trigger). Run daily.
 */
export async function reconcileRollup(db: Db, letterId: number): Promise<{ drift: number }> {
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      await lockRollup(trx, letterId);
      // The changes not folded yet are already in the signatures this snapshot sees: drop them.
      const pending = await sql<{ n: number; events: number }>`
        with gone as (delete from public_list_events where letter_id = ${letterId} returning delta)
        select coalesce(sum(delta), 0)::int as n, count(*)::int as events from gone`.execute(trx);
      const before = await trx
        .selectFrom("public_count_buckets")
        .select(sql<number>`coalesce(sum(n), 0)::int`.as("n"))
        .where("letter_id", "=", letterId)
        .executeTakeFirstOrThrow();
      await trx.deleteFrom("public_count_buckets").where("letter_id", "=", letterId).execute();
      await sql`
        insert into public_count_buckets (letter_id, letter_version_id, kind, country, day, named, n)
        select letter_id, letter_version_id, kind, country, (coalesce(approved_at, created_at) at time zone 'UTC')::date, named, count(*)::int
        from signatures
        where letter_id = ${letterId} and state = ${SIGNATURE_STATES.approved}
        group by 1, 2, 3, 4, 5, 6`.execute(trx);
      const stats = await summarise(trx, letterId);
      const drift = stats.total - (before.n + (pending.rows[0]?.n ?? 0));
      await storeStats(trx, letterId, stats);
      // A recount that corrected the figures, or dropped changes not folded yet, changed what was published.
      if (drift !== 0 || (pending.rows[0]?.events ?? 0) > 0) await bumpChangeSeq(trx, letterId);
      await trx
        .updateTable("public_rollups")
        .set({ reconciled_at: sql<Date>`now()`, last_drift: drift })
        .where("letter_id", "=", letterId)
        .execute();
      return { drift };
    });
}

/** Whether the daily reconciliation is due. */
export async function reconcileDue(db: Db, letterId: number, everyHours = 24): Promise<boolean> {
  const row = await db
    .selectFrom("public_rollups")
    .select(sql<boolean>`reconciled_at is null or reconciled_at < now() - make_interval(hours => ${everyHours})`.as("due"))
    .where("letter_id", "=", letterId)
    .executeTakeFirst();
  return row?.due ?? true;
}
