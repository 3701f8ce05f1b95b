import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { OUTBOX_STATES } from "./states";

export interface OutboxStatus {
  byState: Record<string, number>;
  /** Seconds the oldest email still waiting (queued or in a pending batch) has waited; 0 when none. */
  oldestWaitingSeconds: number;
  waiting: number;
}

/** Queue lag: what is waiting and for how long. Cheap enough for /healthz (partial indexes). */
export async function queueLag(db: Db): Promise<Pick<OutboxStatus, "waiting" | "oldestWaitingSeconds">> {
  const { rows } = await sql<{ waiting: number; oldest: number | null }>`
    select count(*)::int as waiting,
           extract(epoch from (now() - min(created_at)))::float8 as oldest
    from email_outbox where state in (${OUTBOX_STATES.queued}, ${OUTBOX_STATES.batched})`.execute(db);
  return { waiting: rows[0]?.waiting ?? 0, oldestWaitingSeconds: Math.max(0, Math.round(rows[0]?.oldest ?? 0)) };
}

export async function outboxStatus(db: Db): Promise<OutboxStatus> {
  const counts = await db
    .selectFrom("email_outbox")
    .select(["state", sql<number>`count(*)::int`.as("n")])
    .groupBy("state")
    .execute();
  const byState: Record<string, number> = Object.fromEntries(Object.values(OUTBOX_STATES).map((s) => [s, 0]));
  for (const { state, n } of counts) byState[state] = n;
  return { byState, ...(await queueLag(db)) };
}

export async function listDeadLetters(db: Db, limit = 20) {
  return db
    .selectFrom("email_outbox")
    .select(["id", "template", "last_error", "dead_at"])
    .where("state", "=", OUTBOX_STATES.dead)
    .orderBy("dead_at", "desc")
    .limit(limit)
    .execute();
}

/**
 * Queues dead letters again (all, or the given ids), once the cause is fixed (an API key, a
 * template). Each gets a new idempotency key: the provider refused or never answered the old
 * request, and it may remember that refusal under the old key.
 */
export async function retryDeadLetters(db: Db, ids?: string[]): Promise<number> {
  const rows = await db
    .updateTable("email_outbox")
    .set({
      state: OUTBOX_STATES.queued,
      batch_id: null,
      dead_at: null,
      last_error: null,
      idempotency_key: sql<string>`'outbox-' || gen_random_uuid()`,
    })
    .where("state", "=", OUTBOX_STATES.dead)
    .where("props", "is not", null)
    .$if(ids !== undefined, (qb) => qb.where("id", "in", ids!))
    .returning("id")
    .execute();
  return rows.length;
}
