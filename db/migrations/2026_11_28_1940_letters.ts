import { sql, type Kysely } from "kysely";

// Migrations take Kysely<any>: they describe the schema as it was then, not as db/schema.ts says now.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists citext`.execute(db);
  await sql`create extension if not exists pg_trgm`.execute(db);

  await db.schema
    .createTable("letters")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("slug", "text", (c) =>
      c
        .notNull()
        .unique()
        .check(sql`slug ~ '^[a-z0-9-]{1,64}$'`),
    )
    .addColumn("opened_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("current_version_id", "integer")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable("letter_versions")
    .addColumn("id", "integer", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("letter_id", "integer", (c) => c.notNull().references("letters.id").onDelete("restrict"))
    .addColumn("sha256", "char(64)", (c) => c.notNull().check(sql`sha256 ~ '^[0-9a-f]{64}$'`))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body_markdown", "text", (c) => c.notNull())
    .addColumn("registered_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("in_force_from", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("in_force_until", "timestamptz")
    .addUniqueConstraint("letter_versions_letter_sha_key", ["letter_id", "sha256"])
    .execute();

  await db.schema.alterTable("letters").addForeignKeyConstraint("letters_current_version_fkey", ["current_version_id"], "letter_versions", ["id"]).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("letters").dropConstraint("letters_current_version_fkey").execute();
  await db.schema.dropTable("letter_versions").execute();
  await db.schema.dropTable("letters").execute();
  // Extensions stay: other databases objects may use them, and dropping them needs more rights.
}
