import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { hashIp } from "../abuse/ip.server";
import { SIGNING_LIMITS } from "../abuse/limits";
import { hitLimits, type Limit } from "../abuse/rate-limit.server";
import type { LetterVersion } from "../letter/letter.server";
import { enqueue } from "../outbox/enqueue.server";
import { issueToken, sha256 } from "./tokens.server";
import { countNotice, createSignature, sendConfirmation } from "./lifecycle.server";
import { FREEMAIL_DOMAINS, emailDomain, normaliseEmail } from "./email";
import type { SignFormInput } from "./schema";
import { SIGNATURE_STATES } from "./states";
import { nameKey, searchKey } from "./text";

/** A second submission this soon after the first, still unconfirmed, is the same person clicking twice. */
export const DOUBLE_SUBMIT_WINDOW_MS = 10 * 60 * 1000;
/** "Someone tried to sign again" emails per signature, ever. */
export const MAX_NOTICES = 5;

export interface SignContext {
  ip: string;
  ipHashSecret: string;
  /** The invitation the signer came in by, while the letter is not yet public (decision 017). */
  invitationId?: string | null;
}

export type SignOutcome =
  | { kind: "created"; signatureId: string; state: "unconfirmed" | "quarantined" }
  | { kind: "existing"; signatureId: string; notified: boolean }
  | { kind: "honeypot" }
  /** The address's earlier signature was withdrawn at that very moment; nothing was stored. */
  | { kind: "gone" };

/**
 * Stores a signature from the public form. Whatever happens here, the signer is shown the same
 * "check your inbox" page: nothing tells a visitor whether an address has signed.
 * - a new address: `unconfirmed`, with the letter version the signer saw, and a confirmation email;
 * - over a rate limit: `quarantined`, silently, with no email (moderators see it);
 * - an address that signed already: at most one email to its owner (never more than five ever);
 * - the honeypot filled: nothing at all.
 */
export async function submitSignature(
  db: Db,
  letter: Pick<LetterVersion, "letterId" | "versionId" | "title" | "language">,
  input: SignFormInput,
  seenVersion: string | undefined,
  ctx: SignContext,
): Promise<SignOutcome> {
  if (input.website) return { kind: "honeypot" };

  const email = input.email;
  const normalized = normaliseEmail(email);
  const domain = emailDomain(email);
  const ipHash = hashIp(ctx.ipHashSecret, ctx.ip);
  const limits: Limit[] = [
    { key: `sign:ip:${ipHash}`, ...SIGNING_LIMITS.ipBurst },
    { key: `sign:ip-hour:${ipHash}`, ...SIGNING_LIMITS.ipSustained },
    { key: `sign:email:${sha256(normalized)}`, ...SIGNING_LIMITS.email },
  ];
  if (!FREEMAIL_DOMAINS.has(domain)) limits.push({ key: `sign:domain:${sha256(domain)}`, ...SIGNING_LIMITS.domain });
  const over = await hitLimits(db, limits);
  const quarantineReason = over.length > 0 ? `rate limit: ${over.map((k) => k.split(":")[1]).join(", ")}` : null;

  return db.transaction().execute(async (trx) => {
    // The version the page showed, if it is one of this letter's (in any language); else the one in
    // force in the visitor's language. The signature records that version and its language.
    const seen = seenVersion
      ? await trx
          .selectFrom("letter_versions")
          .select(["id", "title", "language"])
          .where("letter_id", "=", letter.letterId)
          .where("sha256", "=", seenVersion)
          .executeTakeFirst()
      : undefined;
    const signed = seen ?? { id: letter.versionId, title: letter.title, language: letter.language };

    const created = await createSignature(
      trx,
      quarantineReason ? "quarantine" : "sign",
      {
        letter_id: letter.letterId,
        letter_version_id: signed.id,
        language: signed.language,
        kind: "artist",
        display_name: input.displayName,
        name_key: nameKey(input.displayName),
        search_key: searchKey(input.displayName),
        private_name: input.privateName || null,
        role: input.role,
        country: input.country,
        link: input.link ?? null,
        comment: input.comment || null,
        email,
        email_normalized: normalized,
        email_domain: domain,
        ip_hash: ipHash,
        // Asked not to be named: counted only, whatever else is ticked (decision 016).
        named: input.unnamed !== true,
        consent_public: input.consent === true && input.unnamed !== true,
        attested: input.attest,
        quarantine_reason: quarantineReason,
        invitation_id: ctx.invitationId ?? null,
      },
      { letterTitle: signed.title, reason: quarantineReason },
    );
    if (created.status === "created") return { kind: "created", signatureId: created.id, state: created.state as "unconfirmed" | "quarantined" };

    // The address signed already. Lock its row so that concurrent submissions notify once.
    const existing = await trx
      .selectFrom("signatures")
      .select([
        "id",
        "state",
        "email",
        "display_name",
        "notices_sent",
        "language",
        sql<boolean>`created_at > now() - make_interval(secs => ${DOUBLE_SUBMIT_WINDOW_MS / 1000})`.as("recent"),
      ])
      .where("letter_id", "=", letter.letterId)
      .where("email_normalized", "=", normalized)
      .forUpdate()
      .executeTakeFirst();
    // Withdrawn between the insert and this read: the same page, and nothing to tell its owner.
    if (!existing) return { kind: "gone" };
    // The owner is written to in the language they signed in, about the title they signed.
    const title = await trx
      .selectFrom("signatures as s")
      .innerJoin("letter_versions as v", "v.id", "s.letter_version_id")
      .select("v.title")
      .where("s.id", "=", existing.id)
      .executeTakeFirstOrThrow();
    const notified = await notifyOwner(trx, existing, title.title);
    return { kind: "existing", signatureId: existing.id, notified };
  });
}

async function notifyOwner(
  trx: Db,
  existing: { id: string; state: string; email: string | null; display_name: string; notices_sent: number; recent: boolean; language: string },
  letterTitle: string,
): Promise<boolean> {
  if (!existing.email || existing.notices_sent >= MAX_NOTICES) return false;
  if (existing.state === SIGNATURE_STATES.quarantined || existing.state === SIGNATURE_STATES.withdrawn) return false;
  // A double click: the confirmation email is already on its way.
  if (existing.state === SIGNATURE_STATES.unconfirmed && existing.recent) return false;

  if (existing.state === SIGNATURE_STATES.unconfirmed) {
    // The first email may be lost or expired: send a fresh confirmation.
    await sendConfirmation(trx, { id: existing.id, email: existing.email, displayName: existing.display_name, letterTitle, language: existing.language });
  } else {
    const confirmed = existing.state === SIGNATURE_STATES.pending || existing.state === SIGNATURE_STATES.approved;
    const manageToken = confirmed ? (await issueToken(trx, existing.id, "manage")).token : null;
    await enqueue(trx, "signed-again", existing.email, { letterTitle, manageToken }, existing.language);
  }
  await countNotice(trx, existing.id);
  return true;
}
