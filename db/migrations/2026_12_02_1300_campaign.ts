import { sql, type Kysely } from "kysely";

// Launch states (decision 017). A letter is `collecting` (signing by invitation link only; the
// public sees a holding page), `embargoed` (the press with a preview link sees the list, marked
// with the embargo's end), `public`, or `closed` (no new signatures; everything published stays).
// Letters that existed before this migration were public already and stay so.
// Invitation and preview links are revocable, expiring tokens: only their SHA-256 is stored.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table letters
      add column campaign_state text not null default 'public'
        check (campaign_state in ('collecting', 'embargoed', 'public', 'closed')),
      add column public_at timestamptz,
      add column public_at_zone text,
      add column state_changed_at timestamptz not null default now(),
      add constraint letters_public_at_zone check ((public_at is null) = (public_at_zone is null)),
      add constraint letters_embargo_has_end check (campaign_state <> 'embargoed' or public_at is not null)`.execute(db);

  await db.schema
    .createTable("campaign_links")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("letter_id", "integer", (c) => c.notNull().references("letters.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull().check(sql`purpose in ('invitation', 'preview')`))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    // Who the link was made for, for the admins' own record; never shown outside /admin.
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("expires_at", "timestamptz", (c) => c.notNull())
    .addColumn("revoked_at", "timestamptz")
    .addColumn("uses", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_used_at", "timestamptz")
    .execute();
  await sql`create index campaign_links_letter_idx on campaign_links (letter_id, created_at desc)`.execute(db);

  // The invitation a signature came in by, while the letter was not yet public.
  await sql`alter table signatures add column invitation_id bigint references campaign_links (id) on delete set null`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table signatures drop column invitation_id`.execute(db);
  await db.schema.dropTable("campaign_links").execute();
  await sql`
    alter table letters
      drop constraint letters_embargo_has_end,
      drop constraint letters_public_at_zone,
      drop column state_changed_at,
      drop column public_at_zone,
      drop column public_at,
      drop column campaign_state`.execute(db);
}
