import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // signatures.id counts up, so shown publicly it would tell how many submissions never became
  // public. Public outputs use this instead: 96 random bits from gen_random_uuid() (core since
  // PostgreSQL 13, strong random, no extension), the 12 bytes of a version-4 UUID that are all
  // random, as 16 base64url characters.
  await sql`
    create function signature_public_id() returns text language sql volatile as $$
      select translate(encode(substring(u from 1 for 6) || substring(u from 11 for 6), 'base64'), '+/', '-_')
      from uuid_send(gen_random_uuid()) as u
    $$`.execute(db);
  // A database default, so every insert path gets one; "C" so the keyset compares bytes, as its
  // index does. Existing rows each get their own value (a volatile default is run per row).
  await sql`
    alter table signatures add column public_id text collate "C" not null default signature_public_id()
      constraint signatures_public_id_shape check (public_id ~ '^[A-Za-z0-9_-]{16}$')`.execute(db);
  await sql`create unique index signatures_public_id_key on signatures (public_id)`.execute(db);

  // The list's keyset breaks ties by the public id, so a cursor never carries the internal one.
  await sql`drop index signatures_public_new_idx`.execute(db);
  await sql`drop index signatures_public_az_idx`.execute(db);
  await sql`create index signatures_public_new_idx on signatures (letter_id, is_featured desc, approved_at desc, public_id desc) where state = 'approved'`.execute(
    db,
  );
  await sql`create index signatures_public_az_idx on signatures (letter_id, (not is_featured), search_key, public_id) where state = 'approved'`.execute(db);
  // Newest approvals, featured or not (the feed, and sort=recent on the API): it had no index, so
  // every page of it sorted every approved row.
  await sql`create index signatures_public_recent_idx on signatures (letter_id, approved_at desc, public_id desc) where state = 'approved'`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index signatures_public_recent_idx`.execute(db);
  await sql`drop index signatures_public_az_idx`.execute(db);
  await sql`drop index signatures_public_new_idx`.execute(db);
  await sql`create index signatures_public_new_idx on signatures (letter_id, is_featured desc, approved_at desc, id desc) where state = 'approved'`.execute(db);
  await sql`create index signatures_public_az_idx on signatures (letter_id, (not is_featured), search_key, id) where state = 'approved'`.execute(db);
  await sql`drop index signatures_public_id_key`.execute(db);
  await db.schema.alterTable("signatures").dropColumn("public_id").execute();
  await sql`drop function signature_public_id()`.execute(db);
}
