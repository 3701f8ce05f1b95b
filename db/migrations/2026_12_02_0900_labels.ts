import { sql, type Kysely } from "kysely";

/**
 * Labels (issue 11, docs/decisions/013): a rep proves control of an address at the label's
 * registrable domain (a join request confirmed by link or code), gets a `label_rep` account scoped
 * to its label, signs for the label and lists roster artists. A roster entry keeps the artist's
 * address apart from `email` (that column is the signer's own and is unique per letter), so an
 * artist can be on two labels' rosters and sign themselves too; the address is erased on withdrawal.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("labels")
    .addColumn("website", "text")
    // The TXT record a rep may publish: `countersign-verification=<dns_token>`. Public by design.
    .addColumn("dns_token", "text")
    .addColumn("dns_verified_at", "timestamptz")
    // A label merged into another by a moderator: its reps and signatures moved there.
    .addColumn("merged_into", "bigint", (c) => c.references("labels.id"))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .alterTable("users")
    .addColumn("label_id", "bigint", (c) => c.references("labels.id"))
    // The rep's own name, shown to moderators and other reps of the label.
    .addColumn("name", "text", (c) => c.check(sql`char_length(name) between 1 and 120`))
    .execute();
  await sql`alter table users add constraint users_label_rep_check check ((role = 'label_rep') = (label_id is not null))`.execute(db);
  await sql`create index users_label_idx on users (label_id) where label_id is not null`.execute(db);

  // A request to join as a label's rep, waiting for its email link or code.
  await db.schema
    .createTable("label_joins")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("label_name", "text", (c) => c.notNull().check(sql`char_length(label_name) between 1 and 120`))
    .addColumn("website", "text", (c) => c.notNull())
    .addColumn("domain", sql`citext`, (c) => c.notNull())
    .addColumn("rep_name", "text", (c) => c.notNull().check(sql`char_length(rep_name) between 1 and 120`))
    .addColumn("email", sql`citext`)
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("code_hash", "text")
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("used_at", "timestamptz")
    .addColumn("revoked_at", "timestamptz")
    .addColumn("user_id", "bigint", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index label_joins_email_idx on label_joins (email) where used_at is null`.execute(db);

  await db.schema
    .alterTable("signatures")
    // A roster entry's artist, told of the entry and able to confirm or withdraw it.
    .addColumn("artist_email", sql`citext`)
    .addColumn("artist_email_normalized", sql`citext`)
    // The one reminder a roster artist who has not answered gets, after 7 days.
    .addColumn("reminded_at", "timestamptz")
    // A roster entry shown instead as the artist's own signature.
    .addColumn("merged_into", "bigint", (c) => c.references("signatures.id"))
    .execute();
  // One entry per name and one per artist address per label; a removed entry frees both.
  await sql`create unique index signatures_roster_name_key on signatures (letter_id, label_id, name_key)
    where kind = 'roster' and state <> 'withdrawn'`.execute(db);
  await sql`create unique index signatures_roster_email_key on signatures (letter_id, label_id, artist_email_normalized)
    where kind = 'roster' and artist_email_normalized is not null`.execute(db);
  await sql`create index signatures_artist_email_idx on signatures (letter_id, artist_email_normalized) where artist_email_normalized is not null`.execute(db);
  // One signature per label per letter (withdrawn ones aside).
  await sql`create unique index signatures_label_sign_key on signatures (letter_id, label_id) where kind = 'label' and state <> 'withdrawn'`.execute(db);
  await sql`create index signatures_label_all_idx on signatures (label_id, kind, id) where label_id is not null`.execute(db);
  // The unanswered roster notices, for the reminder sweep.
  await sql`create index signatures_roster_remind_idx on signatures (created_at)
    where kind = 'roster' and confirmed_at is null and reminded_at is null and artist_email is not null`.execute(db);

  await sql`alter table signature_tokens drop constraint signature_tokens_purpose_check`.execute(db);
  await sql`alter table signature_tokens add constraint signature_tokens_purpose_check check (purpose in ('confirm', 'manage', 'roster'))`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from signature_tokens where purpose = 'roster'`.execute(db);
  await sql`alter table signature_tokens drop constraint signature_tokens_purpose_check`.execute(db);
  await sql`alter table signature_tokens add constraint signature_tokens_purpose_check check (purpose in ('confirm', 'manage'))`.execute(db);
  await sql`drop index signatures_roster_remind_idx`.execute(db);
  await sql`drop index signatures_label_all_idx`.execute(db);
  await sql`drop index signatures_label_sign_key`.execute(db);
  await sql`drop index signatures_artist_email_idx`.execute(db);
  await sql`drop index signatures_roster_email_key`.execute(db);
  await sql`drop index signatures_roster_name_key`.execute(db);
  await db.schema
    .alterTable("signatures")
    .dropColumn("merged_into")
    .dropColumn("reminded_at")
    .dropColumn("artist_email_normalized")
    .dropColumn("artist_email")
    .execute();
  await db.schema.dropTable("label_joins").execute();
  await sql`drop index users_label_idx`.execute(db);
  await sql`alter table users drop constraint users_label_rep_check`.execute(db);
  await db.schema.alterTable("users").dropColumn("name").dropColumn("label_id").execute();
  await db.schema
    .alterTable("labels")
    .dropColumn("updated_at")
    .dropColumn("merged_into")
    .dropColumn("dns_verified_at")
    .dropColumn("dns_token")
    .dropColumn("website")
    .execute();
}
