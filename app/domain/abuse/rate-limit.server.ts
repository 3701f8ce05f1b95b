import { sql } from "kysely";
import type { Db } from "../../../db/client";

export interface Limit {
  /** What is counted, e.g. `sign:ip:<hash>`. Never a raw email or IP. */
  key: string;
  windowSeconds: number;
  max: number;
}

/**
 * Counts one hit against each limit (fixed windows kept in PostgreSQL, so every process shares
 * them) and returns the keys that are now over their maximum.
 */
export async function hitLimits(db: Db, limits: Limit[]): Promise<string[]> {
  if (limits.length === 0) return [];
  const rows = limits.map((l) => sql`(${l.key}::text, to_timestamp(floor(extract(epoch from now()) / ${l.windowSeconds}) * ${l.windowSeconds}), 1)`);
  const { rows: counted } = await sql<{ key: string; hits: number }>`
    insert into rate_limit_counters as c (key, window_start, hits)
    values ${sql.join(rows)}
    on conflict (key, window_start) do update set hits = c.hits + 1
    returning key, hits`.execute(db);
  const max = new Map(limits.map((l) => [l.key, l.max]));
  return counted.filter((c) => c.hits > (max.get(c.key) ?? Infinity)).map((c) => c.key);
}

/** Deletes windows that ended more than a day ago (run now and then; the table only grows otherwise). */
export async function pruneRateLimits(db: Db): Promise<number> {
  const result = await db
    .deleteFrom("rate_limit_counters")
    .where("window_start", "<", sql<Date>`now() - interval '2 days'`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
