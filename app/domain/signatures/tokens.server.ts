import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import { sha256 } from "../common/hash";
import type { Db } from "../../../db/client";
import { DEV_TOKEN_HMAC_SECRET } from "../../utils/env.server";
import type { TokenPurpose } from "./states";

export const CONFIRM_TTL_MS = 7 * 24 * 3600 * 1000;
export const MANAGE_TTL_MS = 2 * 365 * 24 * 3600 * 1000;

// Crockford's base32 without I, L, O, U: nothing to misread when typing a code from an email.
const CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 256 random bits, URL-safe. Only its SHA-256 is stored. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function newCode(): string {
  return Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
}

export { sha256 };

/**
 * The key of code digests. parseEnv checked TOKEN_HMAC_SECRET at start-up (at least 32 characters,
 * required in production); it is read here rather than handed down so that every place that issues
 * or checks a code (signing, bulk release, confirming, the outbox worker) uses the same key.
 */
export function tokenHmacKey(): string {
  return process.env.TOKEN_HMAC_SECRET?.trim() || DEV_TOKEN_HMAC_SECRET;
}

/**
 * What is stored of a short code: an HMAC keyed with the server secret. A code has few bits (6
 * digits, or 8 base32 characters), so a plain SHA-256 in a leaked table is undone by trying them all.
 */
export function codeDigest(code: string, key = tokenHmacKey()): string {
  return createHmac("sha256", key).update(code, "utf8").digest("hex");
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  // Buffer.from(…, "hex") silently drops what is not hex; only well-formed digests are compared.
  if (!/^(?:[0-9a-f]{2})+$/.test(a) || !/^(?:[0-9a-f]{2})+$/.test(b)) return false;
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** A token looks like one before we touch the database. */
export function plausibleToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export async function issueToken(
  db: Db,
  signatureId: string,
  purpose: TokenPurpose,
  withCode = false,
): Promise<{ token: string; code: string | null; expiresAt: Date }> {
  const token = newToken();
  const code = withCode ? newCode() : null;
  const expiresAt = new Date(Date.now() + (purpose === "confirm" ? CONFIRM_TTL_MS : MANAGE_TTL_MS));
  if (purpose === "confirm") {
    // A new confirmation replaces the last: only the newest link and code work.
    await db
      .updateTable("signature_tokens")
      .set({ revoked_at: new Date() })
      .where("signature_id", "=", signatureId)
      .where("purpose", "=", "confirm")
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .execute();
  }
  await db
    .insertInto("signature_tokens")
    .values({ signature_id: signatureId, purpose, token_hash: sha256(token), code_hash: code ? codeDigest(code) : null, expires_at: expiresAt })
    .execute();
  return { token, code, expiresAt };
}

/** The token's row, if it exists for this purpose. Revoked tokens are returned only when asked for. */
export async function findToken(db: Db, token: string, purpose: TokenPurpose, { includeRevoked = false } = {}) {
  if (!plausibleToken(token)) return undefined;
  return db
    .selectFrom("signature_tokens")
    .select(["id", "signature_id", "expires_at", "used_at", sql<boolean>`expires_at < now()`.as("expired"), sql<boolean>`revoked_at is not null`.as("revoked")])
    .where("token_hash", "=", sha256(token))
    .where("purpose", "=", purpose)
    .$if(!includeRevoked, (qb) => qb.where("revoked_at", "is", null))
    .executeTakeFirst();
}
