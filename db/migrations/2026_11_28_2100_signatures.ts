import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("signatures")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("letter_id", "integer", (c) => c.notNull().references("letters.id"))
    // The exact text the signer saw and signed.
    .addColumn("letter_version_id", "integer", (c) => c.notNull().references("letter_versions.id"))
    .addColumn("kind", "text", (c) =>
      c
        .notNull()
        .defaultTo("artist")
        .check(sql`kind in ('artist', 'label', 'roster')`),
    )
    .addColumn("state", "text", (c) => c.notNull().check(sql`state in ('unconfirmed', 'pending', 'approved', 'rejected', 'withdrawn', 'quarantined')`))
    .addColumn("display_name", "text", (c) => c.notNull().check(sql`char_length(display_name) between 1 and 120`))
    .addColumn("name_key", "text", (c) => c.notNull())
    .addColumn("private_name", "text")
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('musician', 'songwriter', 'producer', 'dj', 'podcaster', 'engineer', 'other')`))
    .addColumn("country", "char(2)", (c) => c.notNull())
    .addColumn("link", "text")
    .addColumn("comment", "text", (c) => c.check(sql`char_length(comment) <= 280`))
    // Private: deleted on withdrawal, never in a public output.
    .addColumn("email", sql`citext`)
    .addColumn("email_normalized", sql`citext`)
    .addColumn("email_domain", sql`citext`)
    .addColumn("ip_hash", "text")
    .addColumn("consent_public", "boolean", (c) => c.notNull())
    .addColumn("attested", "boolean", (c) => c.notNull())
    .addColumn("quarantine_reason", "text")
    // "Someone tried to sign again" emails sent to the owner, at most five ever.
    .addColumn("notices_sent", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("confirmed_at", "timestamptz")
    .addColumn("withdrawn_at", "timestamptz")
    .execute();
  // One signature per mailbox per letter. Withdrawal clears the address, which frees it.
  await sql`create unique index signatures_letter_email_key on signatures (letter_id, email_normalized) where email_normalized is not null`.execute(db);
  await sql`create index signatures_state_idx on signatures (letter_id, state, created_at)`.execute(db);
  await sql`create index signatures_name_key_idx on signatures (name_key)`.execute(db);
  await sql`create index signatures_domain_idx on signatures (email_domain, created_at)`.execute(db);
  await sql`create index signatures_ip_hash_idx on signatures (ip_hash, created_at)`.execute(db);

  await db.schema
    .createTable("signature_tokens")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("signature_id", "bigint", (c) => c.notNull().references("signatures.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('confirm', 'manage')`))
    // SHA-256 of the token; the token itself exists only in the email.
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    // SHA-256 of the 8-character code printed beside a confirmation link.
    .addColumn("code_hash", "text")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index signature_tokens_signature_idx on signature_tokens (signature_id, purpose)`.execute(db);

  // Fixed-window counters shared by every process: per IP, email, domain.
  await db.schema
    .createTable("rate_limit_counters")
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("window_start", "timestamptz", (c) => c.notNull())
    .addColumn("hits", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("rate_limit_counters_pkey", ["key", "window_start"])
    .execute();

  // Append-only: who did what to which record, from which state to which, and why.
  await db.schema
    .createTable("audit_log")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("subject_type", "text", (c) => c.notNull())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("before_state", "text")
    .addColumn("after_state", "text")
    .addColumn("reason", "text")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index audit_log_subject_idx on audit_log (subject_type, subject_id, id)`.execute(db);
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$`.execute(db);
  await sql`
    create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("audit_log").execute();
  await sql`drop function audit_log_append_only()`.execute(db);
  await db.schema.dropTable("rate_limit_counters").execute();
  await db.schema.dropTable("signature_tokens").execute();
  await db.schema.dropTable("signatures").execute();
}
