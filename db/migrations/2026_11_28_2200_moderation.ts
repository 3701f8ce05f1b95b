import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("email", sql`citext`, (c) => c.notNull().unique())
    .addColumn("role", "text", (c) => c.notNull().check(sql`role in ('admin', 'moderator', 'label_rep')`))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("disabled_at", "timestamptz")
    .execute();

  // Lucia's sessions, keyed by a SHA-256 of the session id: the cookie's secret is never stored.
  await db.schema
    .createTable("auth_sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index auth_sessions_user_idx on auth_sessions (user_id)`.execute(db);

  await db.schema
    .createTable("login_tokens")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index login_tokens_user_idx on login_tokens (user_id, created_at)`.execute(db);

  await db.schema
    .alterTable("signatures")
    .addColumn("is_featured", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("is_notable", "boolean", (c) => c.notNull().defaultTo(false))
    // How a moderator checked a notable name out of band; shown publicly as "identity checked".
    .addColumn("identity_check", "text")
    .addColumn("rejection_reason", "text", (c) => c.check(sql`rejection_reason in ('fake', 'duplicate', 'not_eligible', 'offensive', 'other')`))
    .addColumn("decision_note", "text")
    .addColumn("decided_by", "bigint", (c) => c.references("users.id"))
    .addColumn("decided_at", "timestamptz")
    .addColumn("approved_at", "timestamptz")
    .execute();

  await db.schema
    .createTable("notable_names")
    .addColumn("name_key", "text", (c) => c.primaryKey())
    .addColumn("display_name", "text", (c) => c.notNull())
    .addColumn("created_by", "bigint", (c) => c.references("users.id"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("notable_names").execute();
  await db.schema
    .alterTable("signatures")
    .dropColumn("is_featured")
    .dropColumn("is_notable")
    .dropColumn("identity_check")
    .dropColumn("rejection_reason")
    .dropColumn("decision_note")
    .dropColumn("decided_by")
    .dropColumn("decided_at")
    .dropColumn("approved_at")
    .execute();
  await db.schema.dropTable("login_tokens").execute();
  await db.schema.dropTable("auth_sessions").execute();
  await db.schema.dropTable("users").execute();
}
