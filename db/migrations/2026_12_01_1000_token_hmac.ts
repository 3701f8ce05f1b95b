import { sql, type Kysely } from "kysely";

/**
 * Codes are now stored as HMACs keyed with TOKEN_HMAC_SECRET (issue 15). Outstanding codes were
 * stored as plain SHA-256: they are revoked (a moderator asks for a new sign-in email; a signer's
 * link keeps working, only its code stops). Login tokens get `revoked_at`, so a new sign-in email
 * can revoke the older ones; the outbox gets `dropped`, for a sign-in email to an address without
 * an account (the worker decides, so the request does the same work either way).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("login_tokens").addColumn("revoked_at", "timestamptz").execute();
  await sql`update login_tokens set revoked_at = now() where used_at is null`.execute(db);
  await sql`update signature_tokens set code_hash = null where code_hash is not null and used_at is null`.execute(db);

  await sql`alter table email_outbox drop constraint email_outbox_state_check`.execute(db);
  await sql`alter table email_outbox add constraint email_outbox_state_check
    check (state in ('queued', 'batched', 'sent', 'suppressed', 'dead', 'dropped'))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`update email_outbox set state = 'dead' where state = 'dropped'`.execute(db);
  await sql`alter table email_outbox drop constraint email_outbox_state_check`.execute(db);
  await sql`alter table email_outbox add constraint email_outbox_state_check
    check (state in ('queued', 'batched', 'sent', 'suppressed', 'dead'))`.execute(db);
  await db.schema.alterTable("login_tokens").dropColumn("revoked_at").execute();
}
