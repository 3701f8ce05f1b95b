import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { hashIp } from "../abuse/ip.server";
import { CODE_LIMITS, SIGNING_LIMITS } from "../abuse/limits";
import { hitLimits } from "../abuse/rate-limit.server";
import { recordAudit } from "../audit/audit.server";
import { USER_ROLES } from "../auth/roles";
import { enqueue } from "../outbox/enqueue.server";
import { CONFIRM_TTL_MS, codeDigest, newCode, newToken, plausibleToken, sameDigest, sha256 } from "../signatures/tokens.server";
import { newDnsToken } from "./dns.server";
import { z } from "zod";
import { checkLabelDomain } from "./domain";
import { joinFieldsSchema } from "./schema";

/** The join form's one schema on the server: the fields, then the domain rules (domain.ts). */
export const joinSchema = joinFieldsSchema.transform((value, ctx) => {
  const check = checkLabelDomain(value.website, value.email);
  if (!check.ok) {
    ctx.addIssue({ code: "custom", path: [check.field], message: check.message });
    return z.NEVER;
  }
  return { ...value, domain: check.domain, website: check.websiteUrl, email: value.email.replace(/@.*$/, `@${check.emailDomain}`) };
});
export type JoinInput = z.output<typeof joinSchema>;

/**
 * Joining as a label's rep (issue 11): the request is answered the same way whatever the address,
 * and stores a join waiting for its email. Opening the link (or typing the code) and confirming
 * proves control of an address at the label's registrable domain: the label is created, or found
 * by its domain, and marked `domain_verified_at`; the rep gets a `label_rep` account for it.
 */

export interface JoinContext {
  ip: string;
  ipHashSecret: string;
  /** The language the join email is written in (default English). */
  language?: string;
}

/** Stores the join and sends its link and code, unless the IP or address is over its limit (then nothing, silently). */
export async function requestJoin(db: Db, input: JoinInput, ctx: JoinContext): Promise<void> {
  const ipHash = hashIp(ctx.ipHashSecret, ctx.ip);
  const over = await hitLimits(db, [
    { key: `join:ip:${ipHash}`, ...SIGNING_LIMITS.ipBurst },
    { key: `join:email:${sha256(input.email.toLowerCase())}`, ...SIGNING_LIMITS.email },
    { key: `join:domain:${sha256(input.domain)}`, ...SIGNING_LIMITS.email },
  ]);
  if (over.length > 0) return;
  await db.transaction().execute(async (trx) => {
    // Only the newest request's link and code work.
    await trx
      .updateTable("label_joins")
      .set({ revoked_at: new Date() })
      .where("email", "=", input.email)
      .where("used_at", "is", null)
      .where("revoked_at", "is", null)
      .execute();
    const existing = await findLabelByDomain(trx, input.domain);
    const token = newToken();
    const code = newCode();
    const expiresAt = new Date(Date.now() + CONFIRM_TTL_MS);
    await trx
      .insertInto("label_joins")
      .values({
        label_name: input.labelName,
        website: input.website,
        domain: input.domain,
        rep_name: input.repName,
        email: input.email,
        token_hash: sha256(token),
        code_hash: codeDigest(code),
        expires_at: expiresAt,
      })
      .execute();
    // In the language of the page the rep joined from (the worker renders it later).
    await enqueue(
      trx,
      "label-join",
      input.email,
      { repName: input.repName, labelName: existing?.name ?? input.labelName, domain: input.domain, token, code, expiresAt: expiresAt.toISOString() },
      ctx.language,
    );
  });
}

/** The label that owns `domain`, following merges. */
export async function findLabelByDomain(db: Db, domain: string): Promise<{ id: string; name: string; verified: boolean } | undefined> {
  let label = await db.selectFrom("labels").select(["id", "name", "merged_into", "domain_verified_at"]).where("domain", "=", domain).executeTakeFirst();
  for (let hops = 0; label?.merged_into && hops < 10; hops++) {
    label = await db.selectFrom("labels").select(["id", "name", "merged_into", "domain_verified_at"]).where("id", "=", label.merged_into).executeTakeFirst();
  }
  return label && { id: label.id, name: label.name, verified: label.domain_verified_at !== null };
}

export interface JoinView {
  labelName: string;
  repName: string;
  domain: string;
  /** The label already exists: the rep joins it under its current name. */
  existingLabel: string | null;
}

export type JoinLookup =
  | { status: "ready"; joinId: string; view: JoinView }
  | { status: "joined"; view: JoinView; userId: string }
  | { status: "expired" }
  | { status: "invalid" }
  /** The address has a moderator or admin account: a rep needs an address of its own. */
  | { status: "taken"; view: JoinView }
  /** A moderator removed this rep: joining again does not undo it. */
  | { status: "removed"; view: JoinView };

type JoinRow = {
  id: string;
  label_name: string;
  rep_name: string;
  domain: string;
  email: string | null;
  used_at: Date | null;
  revoked_at: Date | null;
  user_id: string | null;
  expired: boolean;
};

const joinColumns = [
  "id",
  "label_name",
  "rep_name",
  "domain",
  "email",
  "used_at",
  "revoked_at",
  "user_id",
  sql<boolean>`expires_at < now()`.as("expired"),
] as const;

async function viewOf(db: Db, row: JoinRow): Promise<JoinView> {
  const existing = await findLabelByDomain(db, row.domain);
  return { labelName: row.label_name, repName: row.rep_name, domain: row.domain, existingLabel: existing?.name ?? null };
}

async function lookupFrom(db: Db, row: JoinRow | undefined): Promise<JoinLookup> {
  if (!row) return { status: "invalid" };
  if (row.used_at && row.user_id) return { status: "joined", view: await viewOf(db, row), userId: row.user_id };
  if (row.used_at || row.revoked_at || !row.email) return { status: "invalid" };
  if (row.expired) return { status: "expired" };
  return { status: "ready", joinId: row.id, view: await viewOf(db, row) };
}

/** GET of the emailed link: shows, changes nothing (mail scanners open links). */
export async function lookupJoin(db: Db, token: string): Promise<JoinLookup> {
  if (!plausibleToken(token)) return { status: "invalid" };
  const row = await db.selectFrom("label_joins").select(joinColumns).where("token_hash", "=", sha256(token)).executeTakeFirst();
  return lookupFrom(db, row);
}

/** The link's POST. Concurrent posts make one account; a later post gets the same answer. */
export async function confirmJoin(db: Db, token: string): Promise<JoinLookup> {
  if (!plausibleToken(token)) return { status: "invalid" };
  const found = await db.selectFrom("label_joins").select("id").where("token_hash", "=", sha256(token)).executeTakeFirst();
  return found ? confirmJoinById(db, found.id) : { status: "invalid" };
}

export type JoinCodeOutcome = JoinLookup | { status: "wrong_code" } | { status: "too_many_tries" };

/** The code path: the address and the 8-character code, limited per IP and address, compared in constant time. */
export async function confirmJoinWithCode(db: Db, input: { email: string; code: string }, ctx: JoinContext, confirm: boolean): Promise<JoinCodeOutcome> {
  const over = await hitLimits(db, [
    { key: `join-code:ip:${hashIp(ctx.ipHashSecret, ctx.ip)}`, ...CODE_LIMITS.ip },
    { key: `join-code:email:${sha256(input.email.toLowerCase())}`, ...CODE_LIMITS.email },
  ]);
  if (over.length > 0) return { status: "too_many_tries" };
  const candidates = await db
    .selectFrom("label_joins")
    .select(["id", "code_hash"])
    .where("email", "=", input.email)
    .where("used_at", "is", null)
    .where("revoked_at", "is", null)
    .where("code_hash", "is not", null)
    .execute();
  const digest = codeDigest(input.code);
  let match: (typeof candidates)[number] | undefined;
  for (const c of candidates) if (sameDigest(c.code_hash!, digest) && !match) match = c;
  if (!match) return { status: "wrong_code" };
  if (!confirm) {
    const row = await db.selectFrom("label_joins").select(joinColumns).where("id", "=", match.id).executeTakeFirst();
    return lookupFrom(db, row);
  }
  return confirmJoinById(db, match.id);
}

async function confirmJoinById(db: Db, joinId: string): Promise<JoinLookup> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("label_joins").select(joinColumns).where("id", "=", joinId).forUpdate().executeTakeFirst();
    const before = await lookupFrom(trx, row);
    if (before.status !== "ready" || !row?.email) return before;

    // One label per domain, one account per address: joins of one domain take turns.
    await sql`select pg_advisory_xact_lock(hashtext(${`label-domain:${row.domain}`}))`.execute(trx);
    const account = await trx
      .selectFrom("users")
      .select(["id", "role", "label_id", "disabled_at"])
      .where("email", "=", row.email)
      .forUpdate()
      .executeTakeFirst();
    if (account && account.role !== USER_ROLES.labelRep) return { status: "taken", view: await viewOf(trx, row) } as const;
    // A moderator removed this rep: joining again does not undo it.
    if (account?.disabled_at) return { status: "removed", view: await viewOf(trx, row) } as const;

    let label = await findLabelByDomain(trx, row.domain);
    const now = new Date();
    if (!label) {
      const website = await trx.selectFrom("label_joins").select("website").where("id", "=", joinId).executeTakeFirstOrThrow();
      const created = await trx
        .insertInto("labels")
        .values({ name: row.label_name, domain: row.domain, website: website.website, domain_verified_at: now, dns_token: newDnsToken() })
        .returning(["id", "name"])
        .executeTakeFirstOrThrow();
      label = { id: created.id, name: created.name, verified: true };
      await recordAudit(trx, {
        actor: "signer",
        action: "label_create",
        subjectType: "label",
        subjectId: label.id,
        after: "domain_confirmed",
        reason: row.domain,
      });
    } else if (!label.verified) {
      await trx.updateTable("labels").set({ domain_verified_at: now, updated_at: now }).where("id", "=", label.id).execute();
      await recordAudit(trx, { actor: "signer", action: "label_domain_confirm", subjectType: "label", subjectId: label.id, after: "domain_confirmed" });
    }

    let userId: string;
    if (account) {
      await trx.updateTable("users").set({ label_id: label.id, name: row.rep_name }).where("id", "=", account.id).execute();
      userId = account.id;
    } else {
      const created = await trx
        .insertInto("users")
        .values({ email: row.email, role: USER_ROLES.labelRep, label_id: label.id, name: row.rep_name })
        .returning("id")
        .executeTakeFirstOrThrow();
      userId = created.id;
    }
    await recordAudit(trx, {
      actor: "signer",
      action: "rep_join",
      subjectType: "user",
      subjectId: userId,
      after: USER_ROLES.labelRep,
      reason: `label ${label.id}`,
    });
    await trx.updateTable("label_joins").set({ used_at: now, user_id: userId }).where("id", "=", joinId).execute();
    return { status: "joined", view: await viewOf(trx, row), userId } as const;
  });
}
