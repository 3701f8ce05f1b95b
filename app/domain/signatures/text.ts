/**
 * Rules for text that people type and the public reads. Pure functions: the form schema uses them
 * in the browser and on the server.
 */

// Control, format (zero-width, bidi overrides), private-use and unassigned characters, and line/paragraph separators.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/u;
const INVISIBLE_EXCEPT_NEWLINE = /[\p{Cf}\p{Co}\p{Cn}\u2028\u2029]|(?![\n])\p{Cc}/u;
const URL_LIKE =
  /(?:[a-z][a-z0-9+.-]*:\/\/|www\.|\b[a-z0-9-]+\.(?:com|net|org|io|co|xyz|info|biz|me|app|dev|ly|gg|tv|fm|link|site|online|shop|ru|cn|uk|de)\b)/i;
const FORMULA_START = /^[=+\-@]/;
// Zero-width joiners that writing systems need (Persian and Indic names, emoji sequences like 👩‍🎤):
// allowed between two visible characters, never at an edge or doubled.
const NEEDED_JOINER = /(?<=[\p{L}\p{M}\p{Extended_Pictographic}\uFE0F])[\u200C\u200D](?=[\p{L}\p{M}\p{Extended_Pictographic}])/gu;

/**
 * Trims and puts text in Unicode NFC, so that the same name is stored the same way; line breaks
 * become \n (browsers post a textarea's lines with \r\n).
 */
export function cleanText(value: string): string {
  return value.replace(/\r\n?/g, "\n").normalize("NFC").trim();
}

export type NameProblem = "empty" | "too_long" | "url" | "invisible" | "formula";

/** Why a public name is refused, or undefined when it is fine. Expects cleaned text. */
export function nameProblem(name: string, max = 120): NameProblem | undefined {
  if (name.length === 0) return "empty";
  if ([...name].length > max) return "too_long";
  if (INVISIBLE.test(name.replace(NEEDED_JOINER, ""))) return "invisible";
  if (URL_LIKE.test(name)) return "url";
  if (FORMULA_START.test(name)) return "formula";
  return undefined;
}

export function hasInvisibleCharacters(text: string, allowNewlines = false): boolean {
  return (allowNewlines ? INVISIBLE_EXCEPT_NEWLINE : INVISIBLE).test(text.replace(NEEDED_JOINER, ""));
}

/** A key for spotting the same name twice: case, accents, punctuation and spacing folded. */
export function nameKey(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/^the\s+/, "")
    .replace(/[^\p{L}\p{N}]+/gu, "");
}

// Letters that NFKD does not split into a base letter and a mark.
const FOLDED_LETTERS: Record<string, string> = { ø: "o", æ: "ae", œ: "oe", ß: "ss", ł: "l", đ: "d", þ: "th", ð: "d", ı: "i" };

/**
 * A name (or a search query) as the public search compares it: accents, case and punctuation
 * folded, words kept apart by single spaces. "Björk Guðmundsdóttir" → "bjork gudmundsdottir".
 */
export function searchKey(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[øæœßłđþðı]/g, (c) => FOLDED_LETTERS[c] ?? c)
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
