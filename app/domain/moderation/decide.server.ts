import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";
import { SIGNATURE_STATES, type SignatureState } from "../signatures/states";
import type { Decision, RejectionReason } from "./reasons";

/** Where each decision may start from, and where it leads. */
const RULES: Record<Decision, { from: readonly SignatureState[]; to?: SignatureState }> = {
  // Only a confirmed address can be approved: a quarantined signature is released first (bulk.server.ts).
  approve: { from: [SIGNATURE_STATES.pending], to: SIGNATURE_STATES.approved },
  reject: { from: [SIGNATURE_STATES.pending, SIGNATURE_STATES.quarantined, SIGNATURE_STATES.unconfirmed], to: SIGNATURE_STATES.rejected },
  // "Hide" takes an approved name off the public list again.
  hide: { from: [SIGNATURE_STATES.approved], to: SIGNATURE_STATES.rejected },
  feature: { from: [SIGNATURE_STATES.approved, SIGNATURE_STATES.pending] },
  unfeature: { from: [SIGNATURE_STATES.approved, SIGNATURE_STATES.pending, SIGNATURE_STATES.rejected] },
};

export interface DecisionInput {
  signatureId: string;
  decision: Decision;
  /** The state the moderator saw: if it changed meanwhile, someone else decided first. */
  expectedState: string;
  actorId: string;
  reason?: RejectionReason;
  note?: string;
}

export type DecisionOutcome =
  { status: "done"; state: string } | { status: "conflict"; state: string } | { status: "refused"; message: string } | { status: "not_found" };

/**
 * One moderator decision. The row is locked; the decision applies only if the signature is still
 * in the state the moderator saw, so two moderators deciding at once cannot both win: the second
 * is told what happened. Every decision is written to the audit log.
 */
export async function decide(db: Db, input: DecisionInput): Promise<DecisionOutcome> {
  const rule = RULES[input.decision];
  if ((input.decision === "reject" || input.decision === "hide") && !input.reason) {
    return { status: "refused", message: "Choose a reason" };
  }
  if (input.reason === "other" && !input.note?.trim()) return { status: "refused", message: "Add a note when the reason is “other”" };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("signatures")
      .select((eb) => [
        "id",
        "state",
        "is_notable",
        "identity_check",
        eb.exists(eb.selectFrom("notable_names as n").select("n.name_key").whereRef("n.name_key", "=", "signatures.name_key")).as("on_notable_list"),
      ])
      .where("id", "=", input.signatureId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { status: "not_found" } as const;
    if (row.state !== input.expectedState) return { status: "conflict", state: row.state } as const;
    if (!rule.from.includes(row.state)) return { status: "refused", message: `Cannot ${input.decision} a signature that is ${row.state}` } as const;
    if (input.decision === "approve" && (row.is_notable || row.on_notable_list) && !row.identity_check) {
      return { status: "refused", message: "This name is notable: record how the identity was checked before approving" } as const;
    }
    const now = new Date();
    const to = rule.to ?? row.state;
    await trx
      .updateTable("signatures")
      .set({
        state: to,
        updated_at: now,
        ...(rule.to ? { decided_by: input.actorId, decided_at: now } : {}),
        ...(input.decision === "approve" ? { approved_at: now, rejection_reason: null } : {}),
        ...(input.decision === "reject" || input.decision === "hide"
          ? { rejection_reason: input.reason ?? null, decision_note: input.note?.trim() || null, is_featured: false }
          : {}),
        ...(input.decision === "feature" ? { is_featured: true } : {}),
        ...(input.decision === "unfeature" ? { is_featured: false } : {}),
      })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(trx, {
      actor: `user:${input.actorId}`,
      action: input.decision,
      subjectType: "signature",
      subjectId: row.id,
      before: row.state,
      after: to,
      reason: [input.reason, input.note?.trim()].filter(Boolean).join(": ") || null,
    });
    return { status: "done", state: to } as const;
  });
}

/** Marks a signature notable (or not): a notable one needs an identity check before approval. */
export async function setNotable(db: Db, signatureId: string, notable: boolean, actorId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("signatures").select(["state", "is_notable"]).where("id", "=", signatureId).forUpdate().executeTakeFirstOrThrow();
    if (row.is_notable === notable) return;
    await trx.updateTable("signatures").set({ is_notable: notable }).where("id", "=", signatureId).execute();
    await recordAudit(trx, {
      actor: `user:${actorId}`,
      action: notable ? "mark_notable" : "unmark_notable",
      subjectType: "signature",
      subjectId: signatureId,
      before: row.state,
      after: row.state,
    });
  });
}

/** Records how a moderator checked a notable name out of band (shown publicly as "identity checked"). */
export async function recordIdentityCheck(db: Db, signatureId: string, how: string, actorId: string): Promise<DecisionOutcome> {
  const text = how.trim();
  if (text.length < 10) return { status: "refused", message: "Say how the identity was checked, e.g. “confirmed with manager by phone”" };
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("signatures").select("state").where("id", "=", signatureId).forUpdate().executeTakeFirst();
    if (!row) return { status: "not_found" } as const;
    await trx
      .updateTable("signatures")
      .set({ identity_check: text.slice(0, 500), updated_at: new Date() })
      .where("id", "=", signatureId)
      .execute();
    await recordAudit(trx, {
      actor: `user:${actorId}`,
      action: "identity_check",
      subjectType: "signature",
      subjectId: signatureId,
      before: row.state,
      after: row.state,
      reason: text.slice(0, 500),
    });
    return { status: "done", state: row.state } as const;
  });
}
