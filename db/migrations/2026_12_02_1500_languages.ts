import { sql, type Kysely } from "kysely";

// The letter in several languages (decision 019). Each text is still its own version, identified by
// its SHA-256, and now says its language; the letter row is the translation group: it holds one
// version in force per language (letter_current_versions), so a new text in one language moves
// that language's pointer only. A signature records the language of the version it signed (the
// pair is a foreign key, so the two cannot disagree), and every queued email the language it is
// rendered in, since the worker renders it later, away from any request.

const LANGUAGE_CHECK = sql.raw(`language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'`);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table letter_versions add column language text not null default 'en' check (${LANGUAGE_CHECK})`.execute(db);
  await sql`alter table letter_versions add constraint letter_versions_id_letter_language_key unique (id, letter_id, language)`.execute(db);
  await sql`alter table letter_versions add constraint letter_versions_id_language_key unique (id, language)`.execute(db);
  await sql`
    create table letter_current_versions (
      letter_id integer not null references letters (id) on delete restrict,
      language text not null check (${LANGUAGE_CHECK}),
      version_id integer not null,
      primary key (letter_id, language),
      unique (version_id),
      foreign key (version_id, letter_id, language) references letter_versions (id, letter_id, language)
    )`.execute(db);
  // Every version so far is English; the one in force stays in force.
  await sql`insert into letter_current_versions (letter_id, language, version_id)
            select id, 'en', current_version_id from letters where current_version_id is not null`.execute(db);
  await sql`alter table letters drop constraint letters_current_version_fkey`.execute(db);
  await sql`alter table letters drop column current_version_id`.execute(db);

  await sql`alter table signatures add column language text not null default 'en'`.execute(db);
  await sql`alter table signatures add constraint signatures_version_language_fkey
            foreign key (letter_version_id, language) references letter_versions (id, language)`.execute(db);
  await sql`alter table email_outbox add column language text not null default 'en' check (${LANGUAGE_CHECK})`.execute(db);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table email_outbox drop column language`.execute(db);
  await sql`alter table signatures drop constraint signatures_version_language_fkey`.execute(db);
  await sql`alter table signatures drop column language`.execute(db);
  await sql`alter table letters add column current_version_id integer`.execute(db);
  // The English version in force becomes the letter's one version in force again; translations stay as versions.
  await sql`update letters l set current_version_id = c.version_id from letter_current_versions c where c.letter_id = l.id and c.language = 'en'`.execute(db);
  await sql`alter table letters add constraint letters_current_version_fkey foreign key (current_version_id) references letter_versions (id)`.execute(db);
  await sql`drop table letter_current_versions`.execute(db);
  await sql`alter table letter_versions drop constraint letter_versions_id_language_key`.execute(db);
  await sql`alter table letter_versions drop constraint letter_versions_id_letter_language_key`.execute(db);
  await sql`alter table letter_versions drop column language`.execute(db);
}
