import { sql, type Kysely } from "kysely";
import { SNAPSHOT_LOCK_KEY } from "./2026_11_30_1200_redactable_snapshots";
import { ZERO_EVENT, body as previousBody } from "./2026_12_02_1100_public_list_changes";

// Signing without being named (decision 016): `signatures.named` is false for a signer who asked
// to be counted but not shown. Such a signature is counted like any other (by kind, country, day
// and version), so the count buckets and the events that feed them carry `named` too, and the
// public figures can say "N more signed without being named". Turning an approved name unnamed
// takes it out of every sealed snapshot, exactly as a withdrawal does (decision 012).

const body = sql.raw(`
    begin
      if tg_op = 'UPDATE' and old.state = 'approved' and new.state = 'approved'
         and (old.letter_id, old.letter_version_id, old.kind, old.country, old.approved_at, old.named)
             is not distinct from (new.letter_id, new.letter_version_id, new.kind, new.country, new.approved_at, new.named) then
        ${ZERO_EVENT.replaceAll("day, delta)", "day, named, delta)").replace("::date, 0)", "::date, new.named, 0)")}
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') and old.state = 'approved' then
        insert into public_list_events (letter_id, letter_version_id, kind, country, day, named, delta)
        values (old.letter_id, old.letter_version_id, old.kind, old.country,
                (coalesce(old.approved_at, old.created_at) at time zone 'UTC')::date, old.named, -1);
        -- A name leaves the public list: withdrawn, hidden, back to moderation, or no longer to be named.
        if tg_op = 'DELETE' or new.state <> 'approved' or (old.named and not new.named) then
          perform pg_advisory_xact_lock_shared(${SNAPSHOT_LOCK_KEY}, old.letter_id);
          insert into public_snapshot_departures (snapshot_id, signature_id)
          select id, old.id from public_snapshots where letter_id = old.letter_id and seq is null;
          update public_snapshot_rows set salt = null, row_text = null where signature_id = old.id and salt is not null;
        end if;
      end if;
      if tg_op in ('INSERT', 'UPDATE') and new.state = 'approved' then
        insert into public_list_events (letter_id, letter_version_id, kind, country, day, named, delta)
        values (new.letter_id, new.letter_version_id, new.kind, new.country,
                (coalesce(new.approved_at, new.created_at) at time zone 'UTC')::date, new.named, 1);
      end if;
      return null;
    end`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table signatures add column named boolean not null default true`.execute(db);
  await sql`alter table public_list_events add column named boolean not null default true`.execute(db);
  await sql`alter table public_count_buckets add column named boolean not null default true`.execute(db);
  await sql`alter table public_count_buckets drop constraint public_count_buckets_pkey`.execute(db);
  await sql`alter table public_count_buckets add constraint public_count_buckets_pkey primary key (letter_id, letter_version_id, kind, country, day, named)`.execute(
    db,
  );
  await sql`create or replace function signatures_public_events() returns trigger language plpgsql as $$${body}$$`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function signatures_public_events() returns trigger language plpgsql as $$${previousBody(ZERO_EVENT)}$$`.execute(db);
  // The unnamed buckets fold into the named ones before the column goes.
  await sql`
    with unnamed as (delete from public_count_buckets where not named returning letter_id, letter_version_id, kind, country, day, n)
    insert into public_count_buckets (letter_id, letter_version_id, kind, country, day, named, n)
    select letter_id, letter_version_id, kind, country, day, true, sum(n)::int from unnamed group by 1, 2, 3, 4, 5
    on conflict (letter_id, letter_version_id, kind, country, day, named) do update set n = public_count_buckets.n + excluded.n`.execute(db);
  await sql`alter table public_count_buckets drop constraint public_count_buckets_pkey`.execute(db);
  await sql`alter table public_count_buckets drop column named`.execute(db);
  await sql`alter table public_count_buckets add constraint public_count_buckets_pkey primary key (letter_id, letter_version_id, kind, country, day)`.execute(
    db,
  );
  await sql`alter table public_list_events drop column named`.execute(db);
  await sql`alter table signatures drop column named`.execute(db);
}
