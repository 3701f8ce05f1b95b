import { sql } from "kysely";
import type { Db } from "../../../db/client";

export const SLOT_HEADROOM = 0.9;

/**
 * A rate limit shared by every process, kept in one row per name: each caller reserves the next
 * free moment (spaced 1/rate apart) and waits until then. Times come from the database's clock, so
 * processes on different machines agree. Used for the mail provider's requests-per-second limit.
 */
export async function reserveSlot(db: Db, name: string, perSecond: number): Promise<number> {
  // Requests that leave on schedule can still arrive bunched (a busy event loop, a slow socket):
  // spacing them 10% wider keeps the provider's sliding second under its limit.
  const interval = 1 / (perSecond * SLOT_HEADROOM);
  const { rows } = await sql<{ wait_ms: number }>`
    insert into rate_limiter_slots as s (name, next_free_at)
    values (${name}, clock_timestamp() + make_interval(secs => ${interval}))
    on conflict (name) do update
      set next_free_at = greatest(s.next_free_at, clock_timestamp()) + make_interval(secs => ${interval})
    returning greatest(0, extract(epoch from (s.next_free_at - make_interval(secs => ${interval}) - clock_timestamp())) * 1000)::float8 as wait_ms`.execute(db);
  return rows[0]?.wait_ms ?? 0;
}

/** After a 429, nobody sends under this name before `retry-after` has passed. */
export async function pushBack(db: Db, name: string, afterMs: number): Promise<void> {
  await sql`
    insert into rate_limiter_slots as s (name, next_free_at)
    values (${name}, clock_timestamp() + make_interval(secs => ${afterMs / 1000}))
    on conflict (name) do update
      set next_free_at = greatest(s.next_free_at, clock_timestamp() + make_interval(secs => ${afterMs / 1000}))`.execute(db);
}
