import { randomInt } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { hashIp } from "../abuse/ip.server";
import { hitLimits } from "../abuse/rate-limit.server";
import { enqueue } from "../outbox/enqueue.server";
import { newToken, plausibleToken, sameDigest, sha256 } from "../signatures/tokens.server";

export const LOGIN_TTL_MS = 15 * 60 * 1000;
export const LOGIN_LIMITS = {
  email: { windowSeconds: 3600, max: 5 },
  ip: { windowSeconds: 3600, max: 20 },
} as const;

/**
 * Asks for a sign-in email. The answer is the same whether or not the address has an account; an
 * email (a single-use link and a 6-digit code, 15 minutes) goes only to active accounts, and at most
 * a few an hour per address and per IP.
 */
export async function requestLogin(db: Db, email: string, ctx: { ip: string; ipHashSecret: string }): Promise<void> {
  const over = await hitLimits(db, [
    { key: `login:email:${sha256(email.toLowerCase())}`, ...LOGIN_LIMITS.email },
    { key: `login:ip:${hashIp(ctx.ipHashSecret, ctx.ip)}`, ...LOGIN_LIMITS.ip },
  ]);
  if (over.length > 0) return;
  const user = await db.selectFrom("users").select(["id", "email"]).where("email", "=", email).where("disabled_at", "is", null).executeTakeFirst();
  if (!user) return;
  await db.transaction().execute(async (trx) => {
    const token = newToken();
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    await trx
      .insertInto("login_tokens")
      .values({ user_id: user.id, token_hash: sha256(token), code_hash: sha256(`${user.id}:${code}`), expires_at: new Date(Date.now() + LOGIN_TTL_MS) })
      .execute();
    await enqueue(trx, "sign-in", user.email, { token, code });
  });
}

/** GET of the emailed link: is it still good? (Changes nothing: mail scanners open links.) */
export async function loginTokenIsValid(db: Db, token: string): Promise<boolean> {
  if (!plausibleToken(token)) return false;
  const row = await db
    .selectFrom("login_tokens")
    .select("id")
    .where("token_hash", "=", sha256(token))
    .where("used_at", "is", null)
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
    .where("t.expires_at", ">", sql<Date>`now()`)
    .execute();
  let match: (typeof candidates)[number] | undefined;
  for (const c of candidates) if (sameDigest(c.code_hash, sha256(`${c.user_id}:${code}`)) && !match) match = c;
  if (!match) return undefined;
  const used = await db
    .updateTable("login_tokens")
    .set({ used_at: new Date() })
    .where("id", "=", match.id)
    .where("used_at", "is", null)
    .returning("user_id")
    .executeTakeFirst();
  return used?.user_id;
}
