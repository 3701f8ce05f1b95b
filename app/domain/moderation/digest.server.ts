import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { hitLimits } from "../abuse/rate-limit.server";
import { MODERATION_ROLES } from "../auth/roles";
import { enqueue } from "../outbox/enqueue.server";
import { SIGNATURE_STATES } from "../signatures/states";

/**
 * Emails every moderator a digest when the oldest pending signature has waited longer than
 * `afterHours`, at most once per `afterHours` whatever the number of processes (a shared counter
 * in PostgreSQL decides). Returns how many emails were queued.
 */
export async function sendQueueDigest(db: Db, afterHours: number): Promise<number> {
  const { rows } = await sql<{ pending: number; oldest_hours: number | null }>`
    select count(*)::int as pending, floor(extract(epoch from now() - min(confirmed_at)) / 3600)::int as oldest_hours
    from signatures where state = ${SIGNATURE_STATES.pending}`.execute(db);
  const { pending = 0, oldest_hours: oldestHours = null } = rows[0] ?? {};
  if (!pending || oldestHours === null || oldestHours < afterHours) return 0;
  const over = await hitLimits(db, [{ key: "moderation:digest", windowSeconds: afterHours * 3600, max: 1 }]);
  if (over.length > 0) return 0;
  return db.transaction().execute(async (trx) => {
    const staff = await trx.selectFrom("users").select("email").where("role", "in", MODERATION_ROLES).where("disabled_at", "is", null).execute();
    for (const { email } of staff) await enqueue(trx, "queue-digest", email, { pending, oldestHours });
    return staff.length;
  });
}
