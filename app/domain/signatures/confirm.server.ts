import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { hashIp } from "../abuse/ip.server";
import { CODE_LIMITS } from "../abuse/limits";
import { hitLimits } from "../abuse/rate-limit.server";
import { normaliseEmail } from "./email";
import { SIGNATURE_STATES } from "./states";
import { spendToken, transition } from "./lifecycle.server";
import { codeDigest, findToken, sameDigest, sha256 } from "./tokens.server";
import type { SignatureView } from "./view";
import { loadSignatureView } from "./view.server";

export type ConfirmView = SignatureView;

export type ConfirmLookup =
  | { status: "ready"; signatureId: string; view: ConfirmView }
  | { status: "confirmed"; view: ConfirmView }
  | { status: "expired" }
  | { status: "inactive" }
  | { status: "invalid" };

const confirmedStates: readonly string[] = [SIGNATURE_STATES.pending, SIGNATURE_STATES.approved];

type Loaded = NonNullable<Awaited<ReturnType<typeof loadSignatureView>>>;

function lookupFrom(row: Loaded, expired: boolean): ConfirmLookup {
  if (confirmedStates.includes(row.state)) return { status: "confirmed", view: row.view };
  if (row.state !== SIGNATURE_STATES.unconfirmed) return { status: "inactive" };
  if (expired) return { status: "expired" };
  return { status: "ready", signatureId: row.id, view: row.view };
}

/** GET of a confirmation link: shows, changes nothing (mail scanners open links). */
export async function lookupConfirmToken(db: Db, token: string): Promise<ConfirmLookup> {
  const found = await findToken(db, token, "confirm");
  if (!found) return { status: "invalid" };
  const row = await loadSignatureView(db, found.signature_id);
  return row ? lookupFrom(row, found.expired) : { status: "invalid" };
}

/**
 * The POST: `unconfirmed` → `pending`, once. The signature row is locked, so concurrent posts make
 * one transition; every later post (or reload) gets the same `confirmed` answer.
 */
export async function confirmByToken(db: Db, token: string): Promise<ConfirmLookup> {
  const found = await findToken(db, token, "confirm");
  if (!found) return { status: "invalid" };
  return confirmSignature(db, found.signature_id, found.expired, found.id);
}

async function confirmSignature(db: Db, signatureId: string, expired: boolean, tokenId: string): Promise<ConfirmLookup> {
  return db.transaction().execute(async (trx) => {
    const locked = await trx.selectFrom("signatures").select("state").where("id", "=", signatureId).forUpdate().executeTakeFirst();
    const row = locked && (await loadSignatureView(trx, signatureId));
    if (!row) return { status: "invalid" } as const;
    const before = lookupFrom(row, expired);
    if (before.status !== "ready") return before;
    await transition(trx, signatureId, "confirm", "signer", { expected: SIGNATURE_STATES.unconfirmed });
    await spendToken(trx, tokenId);
    return { status: "confirmed", view: before.view } as const;
  });
}

export type CodeOutcome = ConfirmLookup | { status: "wrong_code" } | { status: "too_many_tries" };

/**
 * The code path, for people who will not click links: the address and the 8-character code from
 * the email. Guesses are limited per IP and per address; codes are compared in constant time.
 */
export async function confirmWithCode(
  db: Db,
  letterId: number,
  input: { email: string; code: string },
  ctx: { ip: string; ipHashSecret: string },
  confirm: boolean,
): Promise<CodeOutcome> {
  const normalized = normaliseEmail(input.email);
  const over = await hitLimits(db, [
    { key: `code:ip:${hashIp(ctx.ipHashSecret, ctx.ip)}`, ...CODE_LIMITS.ip },
    { key: `code:email:${sha256(normalized)}`, ...CODE_LIMITS.email },
  ]);
  if (over.length > 0) return { status: "too_many_tries" };

  const tokens = await db
    .selectFrom("signature_tokens as t")
    .innerJoin("signatures as s", "s.id", "t.signature_id")
    .select(["t.id", "t.signature_id", "t.code_hash", sql<boolean>`t.expires_at < now()`.as("expired")])
    .where("s.letter_id", "=", letterId)
    .where("s.email_normalized", "=", normalized)
    .where("t.purpose", "=", "confirm")
    .where("t.revoked_at", "is", null)
    .where("t.code_hash", "is not", null)
    .execute();
  const digest = codeDigest(input.code);
  // Compare against every candidate, so the time taken does not depend on which one matched.
  let match: (typeof tokens)[number] | undefined;
  for (const t of tokens) if (sameDigest(t.code_hash!, digest) && !match) match = t;
  if (!match) return { status: "wrong_code" };
  if (!confirm) {
    const row = await loadSignatureView(db, match.signature_id);
    return row ? lookupFrom(row, match.expired) : { status: "invalid" };
  }
  return confirmSignature(db, match.signature_id, match.expired, match.id);
}
