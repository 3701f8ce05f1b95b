import { renderLetterHtml, splitTitle, type LetterVersion } from "./letter.server";

export interface LetterPage {
  /** The language of this text (the page says so, and links to the other translations). */
  language: string;
  title: string;
  description: string;
  html: string;
  openedAt: string;
  sha256: string;
}

/** Everything the public letter page shows of the version in force. */
export function loadLetterPage(letter: LetterVersion): LetterPage {
  const { body } = splitTitle(letter.bodyMarkdown);
  return {
    language: letter.language,
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
