import { sql, type Kysely } from "kysely";
import { SNAPSHOT_LOCK_KEY } from "./2026_11_30_1200_redactable_snapshots";

// The roll-up's change counter (decision 013): every change to what the public list shows appends
// an event, and each refresh that folds any moves `public_rollups.change_seq` on. Exports and
// pages take their ETag from it before reading a row. Changes that move no count (featuring a
// name, a mark, a label's name or proof) append an event of delta 0, which moves the counter only.

/** The trigger's body as this migration leaves it (the next migration's `down` restores it). */
export const body = (onUnchangedBucket: string) =>
  sql.raw(`
    begin
      if tg_op = 'UPDATE' and old.state = 'approved' and new.state = 'approved'
         and (old.letter_id, old.letter_version_id, old.kind, old.country, old.approved_at)
             is not distinct from (new.letter_id, new.letter_version_id, new.kind, new.country, new.approved_at) then
        ${onUnchangedBucket}
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') and old.state = 'approved' then
        insert into public_list_events (letter_id, letter_version_id, kind, country, day, delta)
        values (old.letter_id, old.letter_version_id, old.kind, old.country,
                (coalesce(old.approved_at, old.created_at) at time zone 'UTC')::date, -1);
        if tg_op = 'DELETE' or new.state <> 'approved' then
          -- Waits while a snapshot is being started or sealed; each statement after it sees what
          -- that snapshot committed (read committed). Decision 012 walks through the cases.
          perform pg_advisory_xact_lock_shared(${SNAPSHOT_LOCK_KEY}, old.letter_id);
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
    end`);

export const ZERO_EVENT = `
        if (old.display_name, old.search_key, old.role, old.is_featured, old.identity_check, old.confirmed_at, old.label_id, old.created_at, old.public_id)
           is distinct from (new.display_name, new.search_key, new.role, new.is_featured, new.identity_check, new.confirmed_at, new.label_id, new.created_at, new.public_id) then
          insert into public_list_events (letter_id, letter_version_id, kind, country, day, delta)
          values (new.letter_id, new.letter_version_id, new.kind, new.country,
                  (coalesce(new.approved_at, new.created_at) at time zone 'UTC')::date, 0);
        end if;`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table public_rollups add column change_seq bigint not null default 0`.execute(db);
  await sql`create or replace function signatures_public_events() returns trigger language plpgsql as $$${body(ZERO_EVENT)}$$`.execute(db);
  // A label's name and domain proof are on every row of its names: one zero event per letter that lists any.
  await sql`
    create function labels_public_events() returns trigger language plpgsql as $$
    begin
      if (old.name, old.domain_verified_at) is distinct from (new.name, new.domain_verified_at) then
        insert into public_list_events (letter_id, letter_version_id, kind, country, day, delta)
        select distinct on (s.letter_id) s.letter_id, s.letter_version_id, s.kind, s.country,
               (coalesce(s.approved_at, s.created_at) at time zone 'UTC')::date, 0
        from signatures s where s.label_id = new.id and s.state = 'approved'
        order by s.letter_id;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger labels_public_events after update on labels for each row execute function labels_public_events()`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger labels_public_events on labels`.execute(db);
  await sql`drop function labels_public_events()`.execute(db);
  await sql`create or replace function signatures_public_events() returns trigger language plpgsql as $$${body("")}$$`.execute(db);
  await sql`alter table public_rollups drop column change_seq`.execute(db);
}
