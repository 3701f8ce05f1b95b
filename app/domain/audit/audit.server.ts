import type { Db } from "../../../db/client";

export interface AuditEntry {
  /** `signer`, `system`, `cli` (npm run user), or `user:<id>` for a moderator or admin. */
  actor: string;
  action: string;
  subjectType: "signature" | "user" | "label" | "letter" | "campaign_link" | "delivery";
  subjectId: string;
  before?: string | null;
  after?: string | null;
  reason?: string | null;
}

/** Appends to the audit log (a trigger refuses updates and deletes), in the caller's transaction. */
export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      actor: entry.actor,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      before_state: entry.before ?? null,
      after_state: entry.after ?? null,
      reason: entry.reason ?? null,
    })
    .execute();
}

export async function auditTrail(db: Db, subjectType: AuditEntry["subjectType"], subjectId: string) {
  return db.selectFrom("audit_log").selectAll().where("subject_type", "=", subjectType).where("subject_id", "=", subjectId).orderBy("id").execute();
}
