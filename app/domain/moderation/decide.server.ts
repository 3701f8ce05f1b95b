import type { Db } from "../../../db/client";
import { TransitionError, allowedEvents, transition } from "../signatures/lifecycle.server";
import type { SignatureState } from "../signatures/states";
import { DECISIONS, type Decision, type RejectionReason } from "./reasons";

export interface DecisionInput {
  signatureId: string;
  decision: Decision;
  /** The state the moderator saw: if it changed meanwhile, someone else decided first. */
  expectedState: SignatureState;
  /** The version of the row the moderator read (the queue's `version`): an edit since is a conflict. */
  expectedVersion?: string;
  actorId: string;
  reason?: RejectionReason;
  note?: string;
}

export type DecisionOutcome =
  { status: "done"; state: SignatureState } | { status: "conflict"; state: SignatureState } | { status: "refused"; message: string } | { status: "not_found" };

/**
 * One moderator decision. The row is locked; the decision applies only if the signature is still
 * in the state the moderator saw, so two moderators deciding at once cannot both win: the second
 * is told what happened. Every decision is written to the audit log.
 */
export async function decide(db: Db, input: DecisionInput): Promise<DecisionOutcome> {
  if ((input.decision === "reject" || input.decision === "hide") && !input.reason) {
    return { status: "refused", message: "Choose a reason" };
  }
  if (input.reason === "other" && !input.note?.trim()) return { status: "refused", message: "Add a note when the reason is “other”" };
  const note = input.note?.trim() || null;
  const rejects = input.decision === "reject" || input.decision === "hide";
  return db
    .transaction()
    .execute(async (trx) => {
      const done = await transition(trx, input.signatureId, input.decision, `user:${input.actorId}`, {
        expected: input.expectedState,
        expectedVersion: input.expectedVersion,
        reason: [input.reason, note].filter(Boolean).join(": ") || null,
        rejection: rejects ? { reason: input.reason!, note } : undefined,
      });
      return { status: "done", state: done.state } as const;
    })
    .catch(decisionOutcome);
}

/** A refused event as the outcome the admin pages show. */
function decisionOutcome(error: unknown): DecisionOutcome {
  if (!(error instanceof TransitionError)) throw error;
  switch (error.code) {
    case "not_found":
      return { status: "not_found" };
    case "conflict":
      return { status: "conflict", state: error.state! };
    case "refused":
    case "needs_identity_check":
      return { status: "refused", message: error.message };
  }
}

/** Marks a signature notable (or not): a notable one needs an identity check before approval. */
export async function setNotable(db: Db, signatureId: string, notable: boolean, actorId: string): Promise<DecisionOutcome> {
  return db
    .transaction()
    .execute(async (trx) => {
      const row = await trx.selectFrom("signatures").select(["state", "is_notable"]).where("id", "=", signatureId).forUpdate().executeTakeFirst();
      if (!row) return { status: "not_found" } as const;
      if (row.is_notable === notable) return { status: "done", state: row.state } as const;
      const done = await transition(trx, signatureId, notable ? "mark_notable" : "unmark_notable", `user:${actorId}`);
      return { status: "done", state: done.state } as const;
    })
    .catch(decisionOutcome);
}

/** Records how a moderator checked a notable name out of band (shown publicly as "identity checked"). */
export async function recordIdentityCheck(db: Db, signatureId: string, how: string, actorId: string): Promise<DecisionOutcome> {
  const text = how.trim();
  if (text.length < 10) return { status: "refused", message: "Say how the identity was checked, e.g. “confirmed with manager by phone”" };
  return db
    .transaction()
    .execute(async (trx) => {
      const done = await transition(trx, signatureId, "identity_check", `user:${actorId}`, { identityCheck: text.slice(0, 500), reason: text.slice(0, 500) });
      return { status: "done", state: done.state } as const;
    })
    .catch(decisionOutcome);
}

/** The decisions the queue offers for a signature: what the lifecycle allows from its state. */
export function queueDecisions(state: SignatureState, featured: boolean): Decision[] {
  const allowed = new Set<string>(allowedEvents(state));
  return DECISIONS.filter((d) => allowed.has(d) && (d === "feature" ? !featured : d === "unfeature" ? featured : true));
}
