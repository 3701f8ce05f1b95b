import type { Db } from "../../../db/client";
import { CURRENT_LETTER, getCurrentLetter, renderLetterHtml, splitTitle } from "./letter.server";

export interface LetterPage {
  title: string;
  description: string;
  html: string;
  openedAt: string;
  sha256: string;
}

/** Everything the public letter page shows, or undefined when no letter is registered yet. */
export async function loadLetterPage(db: Db): Promise<LetterPage | undefined> {
  const letter = await getCurrentLetter(db, CURRENT_LETTER.slug);
  if (!letter) return undefined;
  const { body } = splitTitle(letter.bodyMarkdown);
  return {
    title: letter.title,
    description: firstParagraphAfterSalutation(body),
    html: renderLetterHtml(letter),
    openedAt: letter.openedAt.toISOString(),
    sha256: letter.sha256,
  };
}

function firstParagraphAfterSalutation(body: string): string {
  const paragraphs = body.split(/\n{2,}/).map((p) => p.replace(/\s+/g, " ").trim());
  const text = paragraphs.find((p) => p.length > 80) ?? paragraphs[0] ?? "";
  return text.length > 200 ? `${text.slice(0, 197).replace(/\s+\S*$/, "")}…` : text;
}
