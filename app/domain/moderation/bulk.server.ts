import { sql, type SelectQueryBuilder } from "kysely";
import type { Db } from "../../../db/client";
import type { DB } from "../../../db/schema";
import { nextState, refusedAs, transition } from "../signatures/lifecycle.server";
import type { RejectionReason } from "./reasons";

/** Which signatures a bulk action touches. At least one condition besides the state is required. */
export interface Selection {
  state: "pending" | "quarantined" | "unconfirmed" | "approved";
  emailDomain?: string;
  ipHash?: string;
  /** Matched case-insensitively anywhere in the public name; `*` is a wildcard. */
  namePattern?: string;
  since?: Date;
  until?: Date;
}

export type BulkAction = "approve" | "reject" | "release" | "hide";

export const BULK_BATCH = 500;

/** A name pattern of wildcards and spaces alone ("*") would match every name: it is no condition. */
const patternCondition = (pattern: string | undefined) => (pattern ?? "").replace(/[*\s]/g, "").length >= 2;

export function isEmptySelection(s: Selection): boolean {
  return !s.emailDomain && !s.ipHash && !patternCondition(s.namePattern) && !s.since && !s.until;
}

function where<O>(qb: SelectQueryBuilder<DB, "signatures", O>, s: Selection) {
  let q = qb.where("state", "=", s.state);
  if (s.emailDomain) q = q.where("email_domain", "=", s.emailDomain.replace(/^@/, ""));
  if (s.ipHash) q = q.where("ip_hash", "=", s.ipHash);
  if (s.namePattern && patternCondition(s.namePattern)) {
    const like = `%${s.namePattern
      .trim()
      .replace(/[%_\\]/g, "\\$&")
      .replace(/\*/g, "%")}%`;
    q = q.where("display_name", "ilike", like);
  }
  if (s.since) q = q.where("created_at", ">=", s.since);
  if (s.until) q = q.where("created_at", "<", s.until);
  return q;
}

/** How many signatures the selection holds now: the moderator sees this before acting. */
export async function countSelection(db: Db, s: Selection): Promise<number> {
  const row = await where(db.selectFrom("signatures").select(sql<number>`count(*)::int`.as("n")), s).executeTakeFirstOrThrow();
  return row.n;
}

export type BulkOutcome = { status: "done"; changed: number; skipped: number } | { status: "refused"; message: string } | { status: "changed"; count: number };

/**
 * Applies one action to a whole selection, in batches of 500 rows (each its own transaction, rows
 * locked with SKIP LOCKED so a moderator deciding one of them at the same time is not blocked), and
 * writes every change to the audit log. It refuses an empty condition, and refuses to act when the
 * selection no longer holds the count the moderator confirmed.
 * - approve: pending → approved (notable names without an identity check are skipped);
 * - reject: pending/quarantined/unconfirmed → rejected with a reason (the bulk invalidation);
 * - release: quarantined → unconfirmed, and the confirmation email the signer never got is sent.
 */
export async function applyBulk(
  db: Db,
  s: Selection,
  action: BulkAction,
  opts: { actorId: string; confirmedCount: number; reason?: RejectionReason; note?: string },
): Promise<BulkOutcome> {
  if (isEmptySelection(s))
    return { status: "refused", message: "Give at least one condition: a domain, an IP hash, a name pattern of two characters or more, or a time window" };
  if (!nextState(s.state, action)) return { status: "refused", message: BULK_REFUSALS[action] };
  const rejects = action === "reject" || action === "hide";
  if (rejects && !opts.reason) return { status: "refused", message: "Choose a reason" };
  const count = await countSelection(db, s);
  if (count !== opts.confirmedCount) return { status: "changed", count };

  const note = opts.note?.trim() || null;
  const reason = [opts.reason, note].filter(Boolean).join(": ") || null;
  let changed = 0;
  // Changed rows leave the selection (their state changes); skipped ones must be stepped over.
  const skippedIds: string[] = [];
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const rows = await where(trx.selectFrom("signatures").select("id"), s)
        .$if(skippedIds.length > 0, (qb) => qb.where("id", "not in", skippedIds))
        .orderBy("id")
        .limit(BULK_BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      let done = 0;
      for (const row of rows) {
        const applied = await transition(trx, row.id, action, `user:${opts.actorId}`, {
          expected: s.state,
          bulk: true,
          reason,
          rejection: rejects ? { reason: opts.reason!, note } : undefined,
        }).catch(refusedAs(null, "needs_identity_check"));
        // Notable names without an identity check are left for a moderator to look at one by one.
        if (applied) done++;
        else skippedIds.push(row.id);
      }
      return { rows: rows.length, done };
    });
    changed += batch.done;
    if (batch.rows < BULK_BATCH) break;
  }
  return { status: "done", changed, skipped: skippedIds.length };
}

const BULK_REFUSALS: Record<BulkAction, string> = {
  approve: "Only pending signatures can be approved in bulk",
  reject: "Approved signatures are hidden, not rejected: choose hide",
  release: "Only quarantined signatures can be released",
  hide: "Only approved signatures can be hidden; reject the others",
};

/** Email domains and IP hashes with the most signatures in the last hour. */
export async function trending(db: Db, limit = 20) {
  const since = sql<Date>`now() - interval '1 hour'`;
  const [domains, ips] = await Promise.all([
    db
      .selectFrom("signatures")
      .select(["email_domain as key", sql<number>`count(*)::int`.as("n")])
      .where("created_at", ">", since)
      .where("email_domain", "is not", null)
      .groupBy("email_domain")
      .orderBy("n", "desc")
      .limit(limit)
      .execute(),
    db
      .selectFrom("signatures")
      .select(["ip_hash as key", sql<number>`count(*)::int`.as("n")])
      .where("created_at", ">", since)
      .where("ip_hash", "is not", null)
      .groupBy("ip_hash")
      .orderBy("n", "desc")
      .limit(limit)
      .execute(),
  ]);
  return { domains: domains as { key: string; n: number }[], ips: ips as { key: string; n: number }[] };
}
