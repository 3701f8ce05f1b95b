import { sql, type Kysely } from "kysely";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Labels sign as organisations and vouch for roster entries. Only what the public list shows is
  // here; the labels work adds reps and domain proofs to it.
  await db.schema
    .createTable("labels")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("name", "text", (c) => c.notNull().check(sql`char_length(name) between 1 and 120`))
    .addColumn("domain", sql`citext`, (c) => c.notNull().unique())
    // Set when a rep proved control of an address at the label's registrable domain.
    .addColumn("domain_verified_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .alterTable("signatures")
    .addColumn("label_id", "bigint", (c) => c.references("labels.id"))
    // The name folded for search (accents, case, punctuation): written with display_name.
    .addColumn("search_key", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await sql`update signatures set search_key = lower(display_name)`.execute(db);

  // The public list reads approved rows only, in two orders, by keyset; search is by trigram.
  await sql`create index signatures_public_new_idx on signatures (letter_id, is_featured desc, approved_at desc, id desc) where state = 'approved'`.execute(db);
  await sql`create index signatures_public_az_idx on signatures (letter_id, (not is_featured), search_key, id) where state = 'approved'`.execute(db);
  await sql`create index signatures_public_search_idx on signatures using gin (search_key gin_trgm_ops) where state = 'approved'`.execute(db);
  await sql`create index signatures_public_label_idx on signatures (label_id) where state = 'approved'`.execute(db);

  // Every change to what the public list counts appends a ±1 here (a trigger, so no code path can
  // forget it). Appends never contend; the roll-up folds them into buckets every few seconds.
  await db.schema
    .createTable("public_list_events")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("letter_id", "integer", (c) => c.notNull())
    .addColumn("letter_version_id", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("country", "char(2)", (c) => c.notNull())
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("delta", "integer", (c) => c.notNull())
    .execute();
  await sql`create index public_list_events_letter_idx on public_list_events (letter_id, id)`.execute(db);

  await sql`
    create function signatures_public_events() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.state = 'approved' and new.state = 'approved'
         and (old.letter_id, old.letter_version_id, old.kind, old.country, old.approved_at)
             is not distinct from (new.letter_id, new.letter_version_id, new.kind, new.country, new.approved_at) then
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') and old.state = 'approved' then
        insert into public_list_events (letter_id, letter_version_id, kind, country, day, delta)
        values (old.letter_id, old.letter_version_id, old.kind, old.country,
                (coalesce(old.approved_at, old.created_at) at time zone 'UTC')::date, -1);
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.state = 'approved' then
        insert into public_list_events (letter_id, letter_version_id, kind, country, day, delta)
        values (new.letter_id, new.letter_version_id, new.kind, new.country,
                (coalesce(new.approved_at, new.created_at) at time zone 'UTC')::date, 1);
      end if;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger signatures_public_events after insert or update or delete on signatures
    for each row execute function signatures_public_events()`.execute(db);

  // Approved signatures per letter version, kind, country and day of approval: a few thousand
  // rows at most, from which every public figure is summed.
  await db.schema
    .createTable("public_count_buckets")
    .addColumn("letter_id", "integer", (c) => c.notNull())
    .addColumn("letter_version_id", "integer", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("country", "char(2)", (c) => c.notNull())
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("n", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("public_count_buckets_pkey", ["letter_id", "letter_version_id", "kind", "country", "day"])
    .execute();

  // One row per letter: the figures pages read, and when they were refreshed and reconciled.
  await db.schema
    .createTable("public_rollups")
    .addColumn("letter_id", "integer", (c) => c.primaryKey().references("letters.id"))
    .addColumn("stats", "jsonb", (c) => c.notNull())
    .addColumn("refreshed_at", "timestamptz", (c) => c.notNull())
    .addColumn("reconciled_at", "timestamptz")
    // What the last reconciliation found the roll-up to be off by (0 when all is well).
    .addColumn("last_drift", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  // The approved list as exported each day, hashed, each hash chained to the day before.
  await db.schema
    .createTable("public_snapshots")
    .addColumn("letter_id", "integer", (c) => c.notNull().references("letters.id"))
    .addColumn("day", "date", (c) => c.notNull())
    .addColumn("taken_at", "timestamptz", (c) => c.notNull())
    .addColumn("row_count", "integer", (c) => c.notNull())
    .addColumn("sha256", "char(64)", (c) => c.notNull())
    .addColumn("previous_chain_sha256", "char(64)")
    .addColumn("chain_sha256", "char(64)", (c) => c.notNull())
    .addColumn("content", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("public_snapshots_pkey", ["letter_id", "day"])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("public_snapshots").execute();
  await db.schema.dropTable("public_rollups").execute();
  await db.schema.dropTable("public_count_buckets").execute();
  await sql`drop trigger signatures_public_events on signatures`.execute(db);
  await sql`drop function signatures_public_events()`.execute(db);
  await db.schema.dropTable("public_list_events").execute();
  await sql`drop index signatures_public_label_idx`.execute(db);
  await sql`drop index signatures_public_search_idx`.execute(db);
  await sql`drop index signatures_public_az_idx`.execute(db);
  await sql`drop index signatures_public_new_idx`.execute(db);
  await db.schema.alterTable("signatures").dropColumn("search_key").dropColumn("label_id").execute();
  await db.schema.dropTable("labels").execute();
}
