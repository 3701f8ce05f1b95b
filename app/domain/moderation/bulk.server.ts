import { sql, type SelectQueryBuilder } from "kysely";
import type { Db } from "../../../db/client";
import type { DB } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { CURRENT_LETTER } from "../letter/letter.server";
import { enqueue } from "../outbox/enqueue.server";
import { SIGNATURE_STATES } from "../signatures/states";
import { issueToken } from "../signatures/tokens.server";
import type { RejectionReason } from "./reasons";

/** Which signatures a bulk action touches. At least one condition besides the state is required. */
export interface Selection {
  state: "pending" | "quarantined" | "unconfirmed";
  emailDomain?: string;
  ipHash?: string;
  /** Matched case-insensitively anywhere in the public name; `*` is a wildcard. */
  namePattern?: string;
  since?: Date;
  until?: Date;
}

export type BulkAction = "approve" | "reject" | "release";

export const BULK_BATCH = 500;

export function isEmptySelection(s: Selection): boolean {
  return !s.emailDomain && !s.ipHash && !s.namePattern?.trim() && !s.since && !s.until;
}

function where<O>(qb: SelectQueryBuilder<DB, "signatures", O>, s: Selection) {
  let q = qb.where("state", "=", s.state);
  if (s.emailDomain) q = q.where("email_domain", "=", s.emailDomain.replace(/^@/, ""));
  if (s.ipHash) q = q.where("ip_hash", "=", s.ipHash);
  if (s.namePattern?.trim()) {
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
  if (isEmptySelection(s)) return { status: "refused", message: "Give at least one condition: a domain, an IP hash, a name pattern or a time window" };
  if (action === "approve" && s.state !== SIGNATURE_STATES.pending) return { status: "refused", message: "Only pending signatures can be approved in bulk" };
  if (action === "release" && s.state !== SIGNATURE_STATES.quarantined) return { status: "refused", message: "Only quarantined signatures can be released" };
  if (action === "reject" && !opts.reason) return { status: "refused", message: "Choose a reason" };
  const count = await countSelection(db, s);
  if (count !== opts.confirmedCount) return { status: "changed", count };

  let changed = 0;
  // Changed rows leave the selection (their state changes); skipped ones must be stepped over.
  const skippedIds: string[] = [];
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const rows = await where(
        trx
          .selectFrom("signatures")
          .select((eb) => [
            "id",
            "state",
            "email",
            "display_name",
            "is_notable",
            "identity_check",
            eb.exists(eb.selectFrom("notable_names as n").select("n.name_key").whereRef("n.name_key", "=", "signatures.name_key")).as("listed"),
          ]),
        s,
      )
        .$if(skippedIds.length > 0, (qb) => qb.where("id", "not in", skippedIds))
        .orderBy("id")
        .limit(BULK_BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      let done = 0;
      const title = action === "release" ? await letterTitle(trx) : "";
      for (const row of rows) {
        if (action === "approve" && (row.is_notable || row.listed) && !row.identity_check) {
          skippedIds.push(row.id);
          continue;
        }
        const to = action === "approve" ? SIGNATURE_STATES.approved : action === "reject" ? SIGNATURE_STATES.rejected : SIGNATURE_STATES.unconfirmed;
        const now = new Date();
        await trx
          .updateTable("signatures")
          .set({
            state: to,
            updated_at: now,
            decided_by: opts.actorId,
            decided_at: now,
            ...(action === "approve" ? { approved_at: now } : {}),
            ...(action === "reject" ? { rejection_reason: opts.reason ?? null, decision_note: opts.note?.trim() || null, is_featured: false } : {}),
            ...(action === "release" ? { quarantine_reason: null } : {}),
          })
          .where("id", "=", row.id)
          .execute();
        await recordAudit(trx, {
          actor: `user:${opts.actorId}`,
          action: `bulk_${action}`,
          subjectType: "signature",
          subjectId: row.id,
          before: row.state,
          after: to,
          reason: [opts.reason, opts.note?.trim()].filter(Boolean).join(": ") || null,
        });
        if (action === "release" && row.email) {
          const { token, code, expiresAt } = await issueToken(trx, row.id, "confirm", true);
          await enqueue(trx, "confirm-signature", row.email, {
            displayName: row.display_name,
            letterTitle: title,
            token,
            code: code!,
            expiresAt: expiresAt.toISOString(),
          });
        }
        done++;
      }
      return { rows: rows.length, done };
    });
    changed += batch.done;
    if (batch.rows < BULK_BATCH) break;
  }
  return { status: "done", changed, skipped: skippedIds.length };
}

async function letterTitle(db: Db): Promise<string> {
  const row = await db
    .selectFrom("letters as l")
    .innerJoin("letter_versions as v", "v.id", "l.current_version_id")
    .select("v.title")
    .where("l.slug", "=", CURRENT_LETTER.slug)
    .executeTakeFirstOrThrow();
  return row.title;
}

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
