import { randomInt } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { enqueueForWorker } from "../outbox/enqueue.server";
import type { Db } from "../../../db/client";
import type { DB } from "../../../db/schema";
import { hashIp } from "../abuse/ip.server";
import { hitLimits } from "../abuse/rate-limit.server";
import { codeDigest, newToken, plausibleToken, sameDigest, sha256 } from "../signatures/tokens.server";

export const LOGIN_TTL_MS = 15 * 60 * 1000;
/** Sign-in emails asked for, per address (an hour, a day) and per IP (an hour). Over any: nothing is sent. */
export const LOGIN_LIMITS = {
  email: { windowSeconds: 3600, max: 5 },
  emailDay: { windowSeconds: 86_400, max: 10 },
  ip: { windowSeconds: 3600, max: 20 },
} as const;

/** The props of a sign-in email whose account the worker has yet to look up. */
export const SIGN_IN_REQUEST = { lookup: "account" } as const;

/**
 * Asks for a sign-in email. The answer is the same whether or not the address has an account, and
 * so is the work: the request counts its limits and writes one outbox row, nothing else. Whether the
 * address has an account is decided by the outbox worker (issueSignIn), out of the request's time.
 */
export async function requestLogin(db: Db, email: string, ctx: { ip: string; ipHashSecret: string }): Promise<void> {
  const addressKey = sha256(email.toLowerCase());
  const over = await hitLimits(db, [
    { key: `login:email:${addressKey}`, ...LOGIN_LIMITS.email },
    { key: `login:email-day:${addressKey}`, ...LOGIN_LIMITS.emailDay },
    { key: `login:ip:${hashIp(ctx.ipHashSecret, ctx.ip)}`, ...LOGIN_LIMITS.ip },
  ]);
  if (over.length > 0) return;
  await enqueueForWorker(db, "sign-in", email, SIGN_IN_REQUEST);
}

export function isSignInRequest(template: string, props: unknown): boolean {
  return template === "sign-in" && typeof props === "object" && props !== null && (props as { lookup?: unknown }).lookup === SIGN_IN_REQUEST.lookup;
}

/**
 * The worker's half of requestLogin, in its claim transaction: for an active account, a new link
 * and 6-digit code (revoking any older ones still unused) and the email's props; for any other
 * address, undefined — the email is dropped.
 */
export async function issueSignIn(trx: Transaction<DB> | Db, email: string): Promise<{ token: string; code: string } | undefined> {
  const user = await trx.selectFrom("users").select("id").where("email", "=", email).where("disabled_at", "is", null).executeTakeFirst();
  if (!user) return undefined;
  await trx
    .updateTable("login_tokens")
    .set({ revoked_at: new Date() })
    .where("user_id", "=", user.id)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .execute();
  const token = newToken();
  const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
  await trx
    .insertInto("login_tokens")
    .values({ user_id: user.id, token_hash: sha256(token), code_hash: codeDigest(`${user.id}:${code}`), expires_at: new Date(Date.now() + LOGIN_TTL_MS) })
    .execute();
  return { token, code };
}

/** GET of the emailed link: is it still good? (Changes nothing: mail scanners open links.) */
export async function loginTokenIsValid(db: Db, token: string): Promise<boolean> {
  if (!plausibleToken(token)) return false;
  const row = await db
    .selectFrom("login_tokens")
    .select("id")
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return row !== undefined;
}

/** The POST: uses the link once and returns the user it signs in, or undefined. */
export async function signInWithToken(db: Db, token: string): Promise<string | undefined> {
  if (!plausibleToken(token)) return undefined;
  const row = await db
    .updateTable("login_tokens")
    .set({ used_at: new Date() })
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .returning("user_id")
    .executeTakeFirst();
  return row?.user_id;
}

/** The 6-digit code with its address; guesses are limited like sign-in requests. */
export async function signInWithCode(db: Db, email: string, code: string, ctx: { ip: string; ipHashSecret: string }): Promise<string | undefined> {
  const over = await hitLimits(db, [
    { key: `login-code:email:${sha256(email.toLowerCase())}`, windowSeconds: 3600, max: 8 },
    { key: `login-code:ip:${hashIp(ctx.ipHashSecret, ctx.ip)}`, windowSeconds: 3600, max: 20 },
  ]);
  if (over.length > 0) return undefined;
  const candidates = await db
    .selectFrom("login_tokens as t")
    .innerJoin("users as u", "u.id", "t.user_id")
    .select(["t.id", "t.user_id", "t.code_hash"])
    .where("u.email", "=", email)
    .where("u.disabled_at", "is", null)
    .where("t.used_at", "is", null)
    .where("t.revoked_at", "is", null)
    .where("t.expires_at", ">", sql<Date>`now()`)
    .execute();
  let match: (typeof candidates)[number] | undefined;
  for (const c of candidates) if (sameDigest(c.code_hash, codeDigest(`${c.user_id}:${code}`)) && !match) match = c;
  if (!match) return undefined;
  const used = await db
    .updateTable("login_tokens")
    .set({ used_at: new Date() })
    .where("id", "=", match.id)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .returning("user_id")
    .executeTakeFirst();
  return used?.user_id;
}
