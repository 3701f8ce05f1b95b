import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";
import { redactRecipient } from "../outbox/enqueue.server";
import type { ManageFormInput } from "./schema";
import { SIGNATURE_STATES, TRANSITIONS, type SignatureState } from "./states";
import { findToken } from "./tokens.server";
import { nameKey, searchKey } from "./text";
import type { SignatureView } from "./view";
import { loadSignatureView } from "./view.server";

export interface ManageView extends SignatureView {
  state: SignatureState;
}

export type ManageLookup = { status: "ok"; signatureId: string; view: ManageView } | { status: "withdrawn" } | { status: "invalid" };

/** The signature a manage link belongs to. */
export async function lookupManageToken(db: Db, token: string): Promise<ManageLookup> {
  // Withdrawal revokes the links; a revoked link of a withdrawn signature still says so.
  const found = await findToken(db, token, "manage", { includeRevoked: true });
  if (!found || found.expired) return { status: "invalid" };
  const row = await loadSignatureView(db, found.signature_id);
  if (!row) return { status: "invalid" };
  if (row.state === SIGNATURE_STATES.withdrawn) return { status: "withdrawn" };
  if (found.revoked) return { status: "invalid" };
  return { status: "ok", signatureId: row.id, view: { ...row.view, state: row.state } };
}

export type ManageOutcome = { status: "updated"; backToModeration: boolean } | { status: "withdrawn" } | { status: "invalid" };

/**
 * The signer edits the public fields. A changed name must be checked again: an approved signature
 * goes back to `pending` (and off the public list) until a moderator approves the new name.
 */
export async function updateSignature(db: Db, token: string, input: ManageFormInput): Promise<ManageOutcome> {
  const found = await findToken(db, token, "manage");
  if (!found || found.expired) return { status: "invalid" };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("signatures")
      .select(["id", "state", "name_key", "display_name"])
      .where("id", "=", found.signature_id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { status: "invalid" } as const;
    if (row.state === SIGNATURE_STATES.withdrawn) return { status: "withdrawn" } as const;
    const key = nameKey(input.displayName);
    const nameChanged = input.displayName !== row.display_name;
    const backToModeration = nameChanged && (TRANSITIONS.backToModeration as readonly string[]).includes(row.state);
    const state = backToModeration ? SIGNATURE_STATES.pending : row.state;
    await trx
      .updateTable("signatures")
      .set({
        display_name: input.displayName,
        name_key: key,
        search_key: searchKey(input.displayName),
        role: input.role,
        country: input.country,
        link: input.link ?? null,
        comment: input.comment || null,
        state,
        updated_at: new Date(),
      })
      .where("id", "=", row.id)
      .execute();
    await recordAudit(trx, {
      actor: "signer",
      action: "edit",
      subjectType: "signature",
      subjectId: row.id,
      before: row.state,
      after: state,
      reason: nameChanged ? "public name changed" : "details changed",
    });
    return { status: "updated", backToModeration } as const;
  });
}

/**
 * Withdrawal: off every public output at once (only `approved` is public), the private fields
 * (email, private name, IP hash) deleted, every link of this signature revoked.
 */
export async function withdrawSignature(db: Db, token: string): Promise<ManageOutcome> {
  const found = await findToken(db, token, "manage");
  if (!found || found.expired) return { status: "invalid" };
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("signatures").select(["id", "state", "email"]).where("id", "=", found.signature_id).forUpdate().executeTakeFirst();
    if (!row) return { status: "invalid" } as const;
    if (row.state === SIGNATURE_STATES.withdrawn) return { status: "withdrawn" } as const;
    if (!(TRANSITIONS.withdraw as readonly string[]).includes(row.state)) return { status: "invalid" } as const;
    await trx
      .updateTable("signatures")
      .set({
        state: SIGNATURE_STATES.withdrawn,
        withdrawn_at: new Date(),
        updated_at: new Date(),
        email: null,
        email_normalized: null,
        email_domain: null,
        private_name: null,
        ip_hash: null,
      })
      .where("id", "=", row.id)
      .execute();
    if (row.email) {
      // The address also sits on emails sent to it: keep the records, drop the address and contents.
      await redactRecipient(trx, row.email, "signature withdrawn");
    }
    await trx.updateTable("signature_tokens").set({ revoked_at: new Date() }).where("signature_id", "=", row.id).where("revoked_at", "is", null).execute();
    await recordAudit(trx, {
      actor: "signer",
      action: "withdraw",
      subjectType: "signature",
      subjectId: row.id,
      before: row.state,
      after: SIGNATURE_STATES.withdrawn,
    });
    return { status: "withdrawn" } as const;
  });
}
