import type { Db } from "../../../db/client";
import type { ManageFormInput } from "./schema";
import { refusedAs, transition } from "./lifecycle.server";
import { SIGNATURE_STATES, type SignatureState } from "./states";
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
 * The signer edits their details. A changed name, role or country must be checked again: an approved
 * signature goes back to `pending` (and off the public list) until a moderator approves it.
 */
export async function updateSignature(db: Db, token: string, input: ManageFormInput): Promise<ManageOutcome> {
  const found = await findToken(db, token, "manage");
  if (!found || found.expired) return { status: "invalid" };
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("signatures")
      .select(["id", "state", "display_name", "role", "country", "named"])
      .where("id", "=", found.signature_id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return { status: "invalid" } as const;
    if (row.state === SIGNATURE_STATES.withdrawn) return { status: "withdrawn" } as const;
    // What the public sees (name, role, country) is checked again, and so is a name that was counted
    // without being shown and is now to be shown; the link and comment are for moderators only.
    // Asking not to be named takes effect at once (decision 016).
    const named = input.unnamed !== true;
    const changed = [
      input.displayName !== row.display_name && "name",
      input.role !== row.role && "role",
      input.country !== row.country && "country",
      named && !row.named && "listing (now shown by name)",
    ].filter(Boolean);
    const done = await transition(trx, row.id, changed.length > 0 ? "edit" : "amend", "signer", {
      expected: row.state,
      reason: changed.length > 0 ? `public ${changed.join(", ")} changed` : !named && row.named ? "asked not to be named" : "details changed",
      fields: {
        display_name: input.displayName,
        name_key: nameKey(input.displayName),
        search_key: searchKey(input.displayName),
        role: input.role,
        country: input.country,
        link: input.link ?? null,
        comment: input.comment || null,
        named,
        consent_public: named,
      },
    }).catch(refusedAs(null, "refused", "conflict"));
    if (!done) return { status: "invalid" } as const;
    return { status: "updated", backToModeration: done.before !== done.state } as const;
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
    const row = await trx.selectFrom("signatures").select(["id", "state"]).where("id", "=", found.signature_id).forUpdate().executeTakeFirst();
    if (!row) return { status: "invalid" } as const;
    if (row.state === SIGNATURE_STATES.withdrawn) return { status: "withdrawn" } as const;
    const done = await transition(trx, row.id, "withdraw", "signer", { expected: row.state }).catch(refusedAs(null, "refused", "conflict"));
    return done ? ({ status: "withdrawn" } as const) : ({ status: "invalid" } as const);
  });
}
