import { access, readFile } from "node:fs/promises";
import path from "node:path";
import MarkdownIt from "markdown-it";
import type { Db } from "../../../db/client";
import { DEFAULT_LANGUAGE, LANGUAGES } from "../../i18n";
import { sha256 } from "../common/hash";

/**
 * The letter this deployment runs, kept as Markdown in the repo: `file` in the default language,
 * and each translation beside it as `<slug>.<language>.md` (content/letters/spotify-ice.es.md).
 */
export const CURRENT_LETTER = { slug: "spotify-ice", file: "content/letters/spotify-ice.md" } as const;

export interface LetterVersion {
  letterId: number;
  versionId: number;
  slug: string;
  /** The language of this text (a BCP 47 tag, as in app/i18n.ts). */
  language: string;
  sha256: string;
  title: string;
  bodyMarkdown: string;
  openedAt: Date;
  inForceFrom: Date;
}

/** A version is identified by the SHA-256 of its exact text (UTF-8, line endings normalised to \n). */
export function letterSha256(markdown: string): string {
  return sha256(normaliseText(markdown));
}

function normaliseText(markdown: string): string {
  return markdown.replace(/\r\n?/g, "\n");
}

/** The title is the first level-one heading; the body shown under it is the rest. */
export function splitTitle(markdown: string): { title: string; body: string } {
  const text = normaliseText(markdown);
  const match = /^# +(.+)$/m.exec(text);
  if (!match) throw new Error("The letter needs a level-one heading (# Title) for its title");
  return { title: match[1]!.trim(), body: text.replace(match[0], "").trim() };
}

// html: false escapes any raw HTML in the text; links are limited to http(s) and mailto by validateLink.
const markdown = new MarkdownIt({ html: false, linkify: false, typographer: true });
markdown.validateLink = (url) => /^(https?:|mailto:)/i.test(url.trim());

const renderedBySha = new Map<string, string>();

/** Renders the letter body to HTML that is safe to inject: raw HTML in the source is escaped. */
export function renderLetterHtml(version: Pick<LetterVersion, "sha256" | "bodyMarkdown">): string {
  let html = renderedBySha.get(version.sha256);
  if (html === undefined) {
    html = markdown.render(splitTitle(version.bodyMarkdown).body);
    renderedBySha.set(version.sha256, html);
  }
  return html;
}

/** The file of the letter's text in `language`: the default language's is CURRENT_LETTER.file. */
export function letterFile(language: string = DEFAULT_LANGUAGE): string {
  return language === DEFAULT_LANGUAGE ? CURRENT_LETTER.file : CURRENT_LETTER.file.replace(/\.md$/, `.${language}.md`);
}

export async function readLetterFile(root = process.cwd(), language: string = DEFAULT_LANGUAGE): Promise<string> {
  return readFile(path.resolve(root, letterFile(language)), "utf8");
}

/** Every translation of the letter that has a file, by language (the default language's file must exist). */
export async function readLetterFiles(root = process.cwd()): Promise<Record<string, string>> {
  const texts: Record<string, string> = {};
  for (const language of LANGUAGES) {
    const file = path.resolve(root, letterFile(language));
    if (
      language !== DEFAULT_LANGUAGE &&
      !(await access(file).then(
        () => true,
        () => false,
      ))
    )
      continue;
    texts[language] = await readFile(file, "utf8");
  }
  return texts;
}

/** The versions in force of one letter, by language. */
export type LetterTranslations = Record<string, LetterVersion>;

/**
 * Registers each text (by language) as the version in force in its language, as
 * registerLetterVersion does for one: an unchanged text changes nothing, a changed one becomes a
 * new version of that language only.
 */
export async function registerLetterTranslations(db: Db, slug: string, texts: Record<string, string>): Promise<LetterTranslations> {
  const registered: LetterTranslations = {};
  // The default language first: it creates the letter.
  const languages = Object.keys(texts).sort((a, b) => Number(b === DEFAULT_LANGUAGE) - Number(a === DEFAULT_LANGUAGE));
  for (const language of languages) registered[language] = await registerLetterVersion(db, slug, texts[language]!, language);
  return registered;
}

/** What server/main.ts does at every start: the letter's files, registered. */
export async function registerLetterFiles(db: Db, root = process.cwd()): Promise<LetterTranslations> {
  return registerLetterTranslations(db, CURRENT_LETTER.slug, await readLetterFiles(root));
}

/**
 * Registers `markdown` as the version in force of the letter `slug` in `language`: creates the
 * letter on first use, adds the version if its hash is new, and moves that language's current
 * pointer if it changed (the other languages' stay). Safe to run from several processes at once
 * (the letter row is locked) and to repeat.
 */
export async function registerLetterVersion(db: Db, slug: string, text: string, language: string = DEFAULT_LANGUAGE): Promise<LetterVersion> {
  const body = normaliseText(text);
  const { title } = splitTitle(body);
  const sha256 = letterSha256(body);

  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("letters")
      .values({ slug })
      .onConflict((oc) => oc.column("slug").doNothing())
      .execute();
    const letter = await trx.selectFrom("letters").select("id").where("slug", "=", slug).forUpdate().executeTakeFirstOrThrow();
    const current = await trx
      .selectFrom("letter_current_versions")
      .select("version_id")
      .where("letter_id", "=", letter.id)
      .where("language", "=", language)
      .executeTakeFirst();

    await trx
      .insertInto("letter_versions")
      .values({ letter_id: letter.id, sha256, title, body_markdown: body, language })
      .onConflict((oc) => oc.columns(["letter_id", "sha256"]).doNothing())
      .execute();
    const version = await trx
      .selectFrom("letter_versions")
      .select(["id", "language"])
      .where("letter_id", "=", letter.id)
      .where("sha256", "=", sha256)
      .executeTakeFirstOrThrow();
    if (version.language !== language) throw new Error(`letter ${slug}: this text is registered already as the ${version.language} version`);

    if (current?.version_id === version.id) return;
    const now = new Date();
    if (current) await trx.updateTable("letter_versions").set({ in_force_until: now }).where("id", "=", current.version_id).execute();
    // A text that was in force before and comes back starts a new period.
    await trx.updateTable("letter_versions").set({ in_force_from: now, in_force_until: null }).where("id", "=", version.id).execute();
    await trx
      .insertInto("letter_current_versions")
      .values({ letter_id: letter.id, language, version_id: version.id })
      .onConflict((oc) => oc.columns(["letter_id", "language"]).doUpdateSet({ version_id: version.id }))
      .execute();
  });

  const current = await getCurrentLetter(db, slug, language);
  if (!current) throw new Error(`letter ${slug} vanished while it was registered`);
  return current;
}

export async function getCurrentLetter(db: Db, slug: string, language: string = DEFAULT_LANGUAGE): Promise<LetterVersion | undefined> {
  const row = await db
    .selectFrom("letters as l")
    .innerJoin("letter_current_versions as c", (join) => join.onRef("c.letter_id", "=", "l.id").on("c.language", "=", language))
    .innerJoin("letter_versions as v", "v.id", "c.version_id")
    .select([
      "l.id as letterId",
      "v.id as versionId",
      "l.slug",
      "v.language",
      "v.sha256",
      "v.title",
      "v.body_markdown as bodyMarkdown",
      "l.opened_at as openedAt",
      "v.in_force_from as inForceFrom",
    ])
    .where("l.slug", "=", slug)
    .executeTakeFirst();
  return row;
}

export async function listLetterVersions(db: Db, slug: string) {
  return db
    .selectFrom("letter_versions as v")
    .innerJoin("letters as l", "l.id", "v.letter_id")
    .select(["v.id", "v.language", "v.sha256", "v.title", "v.registered_at", "v.in_force_from", "v.in_force_until"])
    .where("l.slug", "=", slug)
    .orderBy("v.registered_at")
    .execute();
}
