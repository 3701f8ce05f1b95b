import { sql, type Kysely } from "kysely";

/**
 * The advisory lock (two-key form: this constant, the letter id) between taking a snapshot and a
 * name leaving the public list. Shared by every state change, exclusive while a snapshot is sealed:
 * see docs/decisions/012-redactable-snapshots.md. app/domain/public-list/snapshots.server.ts uses
 * the same number.
 */
export const SNAPSHOT_LOCK_KEY = 1_936_617_838;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  // Snapshots were one stored CSV per day, hashed whole: a withdrawn name could never leave them.
  // There is no production data yet, so the old table goes (decision 012).
  await db.schema.dropTable("public_snapshots").execute();

  await db.schema
    .createTable("public_snapshots")
    .addColumn("id", "bigint", (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn("letter_id", "integer", (c) => c.notNull().references("letters.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('daily', 'on_demand')`))
    // The UTC day a daily snapshot stands for: one per day, whichever process claims it first.
    .addColumn("daily_day", "date")
    .addColumn("started_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    // Set together when the snapshot is sealed into the chain; until then it is being built and unpublished.
    .addColumn("seq", "integer")
    .addColumn("identifier", "text")
    .addColumn("taken_at", "timestamptz")
    .addColumn("row_count", "integer")
    .addColumn("root", "char(64)")
    .addColumn("previous_chain_sha256", "char(64)")
    .addColumn("chain_sha256", "char(64)")
    .addUniqueConstraint("public_snapshots_daily_key", ["letter_id", "daily_day"])
    .addUniqueConstraint("public_snapshots_seq_key", ["letter_id", "seq"])
    .addUniqueConstraint("public_snapshots_identifier_key", ["letter_id", "identifier"])
    .addCheckConstraint("public_snapshots_daily_check", sql`(kind = 'daily') = (daily_day is not null)`)
    .addCheckConstraint(
      "public_snapshots_sealed_check",
      sql`(seq is null) = (identifier is null) and (seq is null) = (taken_at is null) and (seq is null) = (row_count is null)
          and (seq is null) = (root is null) and (seq is null) = (chain_sha256 is null)`,
    )
    .execute();

  // One row per name per snapshot. A redacted row keeps only its digest: salt and text are gone.
  await db.schema
    .createTable("public_snapshot_rows")
    .addColumn("snapshot_id", "bigint", (c) => c.notNull().references("public_snapshots.id").onDelete("cascade"))
    .addColumn("position", "integer", (c) => c.notNull())
    // No foreign key: the row outlives a deleted signature (as its digest).
    .addColumn("signature_id", "bigint", (c) => c.notNull())
    .addColumn("digest", "char(64)", (c) => c.notNull())
    .addColumn("salt", "char(32)")
    .addColumn("row_text", "text")
    // Files list rows in the order of their digests, which are random: a redacted row's place says
    // nothing about the name it held (in A–Z order its neighbours would).
    .addPrimaryKeyConstraint("public_snapshot_rows_pkey", ["snapshot_id", "digest"])
    .addCheckConstraint("public_snapshot_rows_redacted_check", sql`(salt is null) = (row_text is null)`)
    .execute();
  // The rows a leaving name must redact, and the redacted rows of a file (for its ETag): both small.
  await sql`create index public_snapshot_rows_signature_idx on public_snapshot_rows (signature_id) where salt is not null`.execute(db);
  await sql`create index public_snapshot_rows_redacted_idx on public_snapshot_rows (snapshot_id) where salt is null`.execute(db);

  // Names that left the list while a snapshot was being built (written by the trigger below, read
  // and emptied when that snapshot is sealed): a row written after the trigger ran is redacted then.
  await db.schema
    .createTable("public_snapshot_departures")
    .addColumn("snapshot_id", "bigint", (c) => c.notNull().references("public_snapshots.id").onDelete("cascade"))
    .addColumn("signature_id", "bigint", (c) => c.notNull())
    .execute();
  await sql`create index public_snapshot_departures_snapshot_idx on public_snapshot_departures (snapshot_id)`.execute(db);

  // A row's digest never changes, and a redacted row never gets its text back.
  await sql`
    create function public_snapshot_rows_guard() returns trigger language plpgsql as $$
    begin
      if new.digest <> old.digest or new.signature_id <> old.signature_id or new.position <> old.position
         or (old.salt is null and new.salt is not null)
         or (new.salt is not null and (new.salt, new.row_text) is distinct from (old.salt, old.row_text)) then
        raise exception 'snapshot rows can only be redacted';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger public_snapshot_rows_guard before update on public_snapshot_rows
    for each row execute function public_snapshot_rows_guard()`.execute(db);

  // The trigger that counts the public list now also redacts: a name leaving `approved` (for any
  // reason, or deleted) loses its text and salt in every stored snapshot, in the same transaction.
  await sql`
    create or replace function signatures_public_events() returns trigger language plpgsql as $$
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
        if tg_op = 'DELETE' or new.state <> 'approved' then
          -- Waits while a snapshot is being started or sealed; each statement after it sees what
          -- that snapshot committed (read committed). Decision 012 walks through the cases.
          perform pg_advisory_xact_lock_shared(${sql.lit(SNAPSHOT_LOCK_KEY)}, old.letter_id);
          insert into public_snapshot_departures (snapshot_id, signature_id)
          select id, old.id from public_snapshots where letter_id = old.letter_id and seq is null;
          update public_snapshot_rows set salt = null, row_text = null where signature_id = old.id and salt is not null;
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.state = 'approved' then
        insert into public_list_events (letter_id, letter_version_id, kind, country, day, delta)
        values (new.letter_id, new.letter_version_id, new.kind, new.country,
                (coalesce(new.approved_at, new.created_at) at time zone 'UTC')::date, 1);
      end if;
      return null;
    end $$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function signatures_public_events() returns trigger language plpgsql as $$
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
  await db.schema.dropTable("public_snapshot_departures").execute();
  await db.schema.dropTable("public_snapshot_rows").execute();
  await sql`drop function public_snapshot_rows_guard()`.execute(db);
  await db.schema.dropTable("public_snapshots").execute();
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
