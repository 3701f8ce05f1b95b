import { readFileSync } from "node:fs";
import path from "node:path";
import * as fontkit from "fontkit";

/*
 * The fonts a delivery pack embeds, and how a name is cut into runs of one font each
 * (docs/decisions/018-delivery-pack.md). Every file is shipped in assets/fonts with its licence;
 * nothing is read from the system. A character goes to the first font in FONT_CHAIN that has a
 * glyph for it; a character no font has is printed as its code point ("[U+1F3B8]"), so the PDF
 * never shows a missing-glyph box.
 */

const FONT_DIR = path.resolve(process.cwd(), "assets/fonts");

export interface PackFont {
  /** The name pdfkit knows it by. */
  id: string;
  file: string;
  /** Whether runs in this font read right to left. */
  rtl: boolean;
}

/** In order of preference: Latin, Cyrillic and Greek first, then one font per script, CJK, then DejaVu's symbols. */
export const FONT_CHAIN: readonly PackFont[] = [
  { id: "NotoSans", file: "noto/NotoSans-Regular.ttf", rtl: false },
  { id: "NotoSansArabic", file: "noto/NotoSansArabic-Regular.ttf", rtl: true },
  { id: "NotoSansHebrew", file: "noto/NotoSansHebrew-Regular.ttf", rtl: true },
  { id: "NotoSansDevanagari", file: "noto/NotoSansDevanagari-Regular.ttf", rtl: false },
  { id: "NotoSansBengali", file: "noto/NotoSansBengali-Regular.ttf", rtl: false },
  { id: "NotoSansGurmukhi", file: "noto/NotoSansGurmukhi-Regular.ttf", rtl: false },
  { id: "NotoSansGujarati", file: "noto/NotoSansGujarati-Regular.ttf", rtl: false },
  { id: "NotoSansTamil", file: "noto/NotoSansTamil-Regular.ttf", rtl: false },
  { id: "NotoSansTelugu", file: "noto/NotoSansTelugu-Regular.ttf", rtl: false },
  { id: "NotoSansKannada", file: "noto/NotoSansKannada-Regular.ttf", rtl: false },
  { id: "NotoSansMalayalam", file: "noto/NotoSansMalayalam-Regular.ttf", rtl: false },
  { id: "NotoSansThai", file: "noto/NotoSansThai-Regular.ttf", rtl: false },
  { id: "NotoSansGeorgian", file: "noto/NotoSansGeorgian-Regular.ttf", rtl: false },
  { id: "NotoSansArmenian", file: "noto/NotoSansArmenian-Regular.ttf", rtl: false },
  // Han (simplified and traditional) and kana in one 4 MB file, Hangul in Noto Sans KR (4.6 MB),
  // instead of a 20 MB pan-CJK collection.
  { id: "DroidSansFallback", file: "droid/DroidSansFallbackFull.ttf", rtl: false },
  { id: "NotoSansKR", file: "noto/NotoSansKR-Regular.otf", rtl: false },
  { id: "DejaVuSerif", file: "DejaVuSerif.ttf", rtl: false },
];

/** The font the pack's own words (headings, figures, marks) are set in. */
export const TEXT_FONT = FONT_CHAIN[0]!;

let loaded: { font: PackFont; data: Buffer; face: fontkit.Font }[] | undefined;

/** Every font of the chain, read and parsed once per process (about 6 MB). */
export function packFonts() {
  loaded ??= FONT_CHAIN.map((font) => {
    const data = readFileSync(path.join(FONT_DIR, font.file));
    const face = fontkit.create(data) as fontkit.Font;
    return { font, data, face };
  });
  return loaded;
}

export interface Run {
  font: PackFont;
  text: string;
}

// Characters that take the font of the run they are in when it has them: spaces, punctuation,
// digits, combining marks and joiners, so a name's shaping is not broken at every space.
const NEUTRAL = /^[\p{Z}\p{P}\p{S}\p{N}\p{M}\p{Cf}]$/u;
const STRONG_RTL = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
const STRONG = /[\p{L}]/u;
const DIGIT = /^\p{Nd}$/u;

// Which font has a character, per process (bounded by the characters names use).
const chosen = new Map<number, number>();

function fontIndexFor(codePoint: number): number {
  let index = chosen.get(codePoint);
  if (index === undefined) {
    const fonts = packFonts();
    index = fonts.findIndex((f) => f.face.hasGlyphForCodePoint(codePoint));
    chosen.set(codePoint, index);
  }
  return index;
}

// Whether a font has a character, per font and process (fontkit searches the cmap on every call).
const has: Map<number, boolean>[] = [];

function fontHas(index: number, codePoint: number): boolean {
  const cache = (has[index] ??= new Map());
  let yes = cache.get(codePoint);
  if (yes === undefined) cache.set(codePoint, (yes = packFonts()[index]!.face.hasGlyphForCodePoint(codePoint)));
  return yes;
}

// Printable ASCII: when the text font has all of it (Noto Sans does), such a text is one run of it,
// which is what the walk below makes of it (nine names in ten in a Latin-script list).
const ASCII = /^[\x20-\x7e]*$/;
let asciiInTextFont: boolean | undefined;

/** A character no font has, written out so a reader sees what it was (never a box). */
export const codePointLabel = (codePoint: number) => `[U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}]`;

/**
 * Cuts `text` into runs of one font each, in reading (logical) order. A neutral character stays
 * in the current run when that run's font has it. Digits inside right-to-left text are a run of
 * their own: numbers read left to right there too.
 */
export function fontRuns(text: string): Run[] {
  const fonts = packFonts();
  asciiInTextFont ??= Array.from({ length: 0x5f }, (_, i) => 0x20 + i).every((c) => fontIndexFor(c) === 0);
  if (asciiInTextFont && ASCII.test(text)) return text ? [{ font: fonts[0]!.font, text }] : [];
  const runs: Run[] = [];
  let current: { index: number; digits: boolean; text: string } | undefined;
  const push = () => {
    if (current) runs.push({ font: fonts[current.index]!.font, text: current.text });
    current = undefined;
  };
  for (const char of text) {
    const codePoint = char.codePointAt(0)!;
    const digit = DIGIT.test(char);
    if (current && (current.digits ? digit : NEUTRAL.test(char) && !(digit && fonts[current.index]!.font.rtl)) && fontHas(current.index, codePoint)) {
      current.text += char;
      continue;
    }
    const index = fontIndexFor(codePoint);
    // Nothing has it: its code point, in the text font.
    const [useIndex, piece] = index < 0 ? [0, codePointLabel(codePoint)] : [index, char];
    const digits = digit && (current ? fonts[current.index]!.font.rtl || current.digits : false);
    if (current && current.index === useIndex && current.digits === digits) current.text += piece;
    else {
      push();
      current = { index: useIndex, digits, text: piece };
    }
  }
  push();
  return runs;
}

/** Whether a text reads right to left: its first letter is in a right-to-left script. */
export function isRtl(text: string): boolean {
  for (const char of text) {
    if (STRONG_RTL.test(char)) return true;
    if (STRONG.test(char)) return false;
  }
  return false;
}

/**
 * Runs in the order they are drawn, left to right. fontkit already lays a right-to-left run out
 * in visual order; a line whose first letter is right to left also puts its runs right to left
 * (a simplification of the Unicode bidi algorithm that is enough for names).
 */
export function visualRuns(text: string): Run[] {
  const runs = fontRuns(text);
  return isRtl(text) ? runs.reverse() : runs;
}
