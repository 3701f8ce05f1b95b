import { sql, type Kysely } from "kysely";

// Every page of the public list is at most two index range scans that stop after the page
// (decision 013): featured names, then the rest, each an equality on is_featured followed by the
// order's keys. A filter by label, kind or country has its own index with the filter first, so
// the scan stops after the page however few names match. All are partial (approved rows only):
// signing inserts unconfirmed rows and never touches them; an approval adds one entry to each.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // A–Z: `(not is_featured) = false` is simplified by the planner to `is_featured`, which no
  // longer matches the old index's expression, so the featured names were sorted each time.
  await sql`create index signatures_public_az_split_idx on signatures (letter_id, is_featured, search_key, public_id) where state = 'approved'`.execute(db);
  await sql`drop index signatures_public_az_idx`.execute(db);
  // Also serves the label filter's "has a name on the list" lookups, which the old (label_id) index did.
  await sql`create index signatures_public_label_new_idx on signatures (label_id, letter_id, is_featured desc, approved_at desc, public_id desc) where state = 'approved'`.execute(
    db,
  );
  await sql`drop index signatures_public_label_idx`.execute(db);
  await sql`create index signatures_public_kind_new_idx on signatures (letter_id, kind, is_featured desc, approved_at desc, public_id desc) where state = 'approved'`.execute(
    db,
  );
  await sql`create index signatures_public_country_new_idx on signatures (letter_id, country, is_featured desc, approved_at desc, public_id desc) where state = 'approved'`.execute(
    db,
  );
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index signatures_public_country_new_idx`.execute(db);
  await sql`drop index signatures_public_kind_new_idx`.execute(db);
  await sql`create index signatures_public_label_idx on signatures (label_id) where state = 'approved'`.execute(db);
  await sql`drop index signatures_public_label_new_idx`.execute(db);
  await sql`create index signatures_public_az_idx on signatures (letter_id, (not is_featured), search_key, public_id) where state = 'approved'`.execute(db);
  await sql`drop index signatures_public_az_split_idx`.execute(db);
}
