import { readFile } from "node:fs/promises";
import path from "node:path";
import MarkdownIt from "markdown-it";
import type { Db } from "../../../db/client";
import { sha256 } from "../common/hash";

/** The letter this deployment runs, kept as Markdown in the repo. */
export const CURRENT_LETTER = { slug: "spotify-ice", file: "content/letters/spotify-ice.md" } as const;

export interface LetterVersion {
  letterId: number;
  versionId: number;
  slug: string;
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

export async function readLetterFile(root = process.cwd()): Promise<string> {
  return readFile(path.resolve(root, CURRENT_LETTER.file), "utf8");
}

/**
 * Registers `markdown` as the version in force of the letter `slug`: creates the letter on first
 * use, adds the version if its hash is new, and moves the current pointer if it changed. Safe to
 * run from several processes at once (the letter row is locked) and to repeat.
 */
export async function registerLetterVersion(db: Db, slug: string, text: string): Promise<LetterVersion> {
  const body = normaliseText(text);
  const { title } = splitTitle(body);
  const sha256 = letterSha256(body);

  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("letters")
      .values({ slug })
      .onConflict((oc) => oc.column("slug").doNothing())
      .execute();
    const letter = await trx.selectFrom("letters").select(["id", "current_version_id"]).where("slug", "=", slug).forUpdate().executeTakeFirstOrThrow();

    await trx
      .insertInto("letter_versions")
      .values({ letter_id: letter.id, sha256, title, body_markdown: body })
      .onConflict((oc) => oc.columns(["letter_id", "sha256"]).doNothing())
      .execute();
    const version = await trx
      .selectFrom("letter_versions")
      .select("id")
      .where("letter_id", "=", letter.id)
      .where("sha256", "=", sha256)
      .executeTakeFirstOrThrow();

    if (letter.current_version_id === version.id) return;
    const now = new Date();
    if (letter.current_version_id !== null) {
      await trx.updateTable("letter_versions").set({ in_force_until: now }).where("id", "=", letter.current_version_id).execute();
    }
    // A text that was in force before and comes back starts a new period.
    await trx.updateTable("letter_versions").set({ in_force_from: now, in_force_until: null }).where("id", "=", version.id).execute();
    await trx.updateTable("letters").set({ current_version_id: version.id }).where("id", "=", letter.id).execute();
  });

  const current = await getCurrentLetter(db, slug);
  if (!current) throw new Error(`letter ${slug} vanished while it was registered`);
  return current;
}

export async function getCurrentLetter(db: Db, slug: string): Promise<LetterVersion | undefined> {
  const row = await db
    .selectFrom("letters as l")
    .innerJoin("letter_versions as v", "v.id", "l.current_version_id")
    .select([
      "l.id as letterId",
      "v.id as versionId",
      "l.slug",
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
    .select(["v.id", "v.sha256", "v.title", "v.registered_at", "v.in_force_from", "v.in_force_until"])
    .where("l.slug", "=", slug)
    .orderBy("v.registered_at")
    .execute();
}
