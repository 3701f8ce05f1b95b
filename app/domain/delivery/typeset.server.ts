import PDFDocument from "pdfkit";
import type * as fontkit from "fontkit";
import { FONT_CHAIN, packFonts, visualRuns } from "./fonts.server";

/*
 * Setting text in the pack with pdfkit, fast enough for 100,000 names (decision 018).
 *
 * pdfkit lays a string out (fontkit's full OpenType shaping) three times per `text()` call and
 * once more to measure it. Shaping is needed for Arabic, Hebrew and the Indic and Thai scripts;
 * for Latin, Greek, Cyrillic and CJK text without combining marks it only adds kerning and
 * ligatures, at about a millisecond a name. So each font's layout is replaced: simple text maps
 * characters to glyphs one to one (no kerning; no ligature, which also keeps the text as
 * extracted from the PDF exactly the characters of the name), and shaped text is laid out once
 * and kept for the few calls that follow. pdfkit 0.20.2 is pinned for this (its EmbeddedFont's
 * `layout(text, features, onlyWidth)`); the delivery tests parse the PDF back, so a change there fails them.
 */

// Characters that need no shaping: letters of these scripts, spaces, digits and punctuation.
const SIMPLE =
  /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Common}]*$/u;
const NEEDS_SHAPING = /[\p{M}\p{Cf}]/u;
// Whole-run shaping (an array, so pdfkit does not cut the text at spaces, which would put the
// words of a right-to-left run in the wrong order).
const FEATURES = ["kern"];

interface Layout {
  glyphs: fontkit.Glyph[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[];
  advanceWidth: number;
}
interface PdfkitFont {
  font: fontkit.Font;
  scale: number;
  layoutRun(text: string, features: string[]): Layout;
  layout(text: string, features?: string[], onlyWidth?: boolean): Layout;
}

/**
 * The glyph of each character, per font: fontkit's `glyphsForString` searches the cmap for every
 * character of every call; a name's characters come back thousands of times. (The same glyph
 * objects: fontkit keeps one per glyph id.) Only for text without marks or joiners, which is all
 * `glyphsForString` would treat specially.
 */
const glyphCache = new WeakMap<fontkit.Font, Map<number, fontkit.Glyph>>();

function glyphsOf(face: fontkit.Font, text: string): fontkit.Glyph[] {
  let cache = glyphCache.get(face);
  if (!cache) glyphCache.set(face, (cache = new Map()));
  const glyphs: fontkit.Glyph[] = [];
  for (let i = 0; i < text.length; i++) {
    const codePoint = text.codePointAt(i)!;
    if (codePoint > 0xffff) i++;
    let glyph = cache.get(codePoint);
    if (!glyph) cache.set(codePoint, (glyph = face.glyphForCodePoint(codePoint)));
    glyphs.push(glyph);
  }
  return glyphs;
}

function fastLayout(font: PdfkitFont, text: string): Layout {
  const glyphs = glyphsOf(font.font, text);
  let advanceWidth = 0;
  const positions = glyphs.map((glyph) => {
    const width = glyph.advanceWidth * font.scale;
    advanceWidth += width;
    return { xAdvance: width, yAdvance: 0, xOffset: 0, yOffset: 0, advanceWidth: width };
  });
  return { glyphs, positions, advanceWidth };
}

/**
 * A right-to-left run is laid out in visual order, and a reader extracting its text reverses it
 * character by character: a ligature's characters (Arabic lam-alef) must then be listed reversed,
 * or they come out swapped. pdfkit writes each glyph's characters once, from the first use.
 */
function rtlLayout(font: PdfkitFont, text: string): Layout {
  const layout = font.layoutRun(text, FEATURES);
  const glyphs = layout.glyphs.map((glyph) =>
    glyph.codePoints.length > 1
      ? ({ id: glyph.id, advanceWidth: glyph.advanceWidth, codePoints: [...glyph.codePoints].reverse() } as unknown as fontkit.Glyph)
      : glyph,
  );
  // (advanceWidth is a getter of fontkit's GlyphRun: it does not survive a spread.)
  return { glyphs, positions: layout.positions, advanceWidth: layout.advanceWidth };
}

function patchLayout(font: PdfkitFont, rtl: boolean) {
  let lastText: string | undefined;
  let last: Layout | undefined;
  font.layout = (text: string) => {
    if (text === lastText && last) return last;
    const layout = SIMPLE.test(text) && !NEEDS_SHAPING.test(text) ? fastLayout(font, text) : rtl ? rtlLayout(font, text) : font.layoutRun(text, FEATURES);
    // pdfkit asks for the same run up to four times in a row: measure, encode, advance.
    lastText = text;
    last = layout;
    return layout;
  };
}

export type Doc = PDFKit.PDFDocument;

interface ContentStream {
  write(chunk: string | Uint8Array): void;
  finalize(): void;
}

/**
 * pdfkit turns every operator written to a page into its own byte array, a character at a time,
 * and joins them when the page ends: a few hundred arrays per page. Here the operators are kept
 * as strings and encoded at once (the same bytes: each operator, then a line feed).
 */
function batchWrites(content: ContentStream) {
  const write = content.write.bind(content);
  const finalize = content.finalize.bind(content);
  let lines: string[] = [];
  const flush = () => {
    if (lines.length === 0) return;
    const text = `${lines.join("\n")}\n`;
    lines = [];
    write(Buffer.from(text, "latin1"));
  };
  content.write = (chunk) => {
    if (chunk instanceof Uint8Array) {
      flush();
      write(chunk);
    } else lines.push(`${chunk}`);
  };
  content.finalize = () => {
    flush();
    finalize();
  };
}

/** A new A4 document with every pack font registered and their layouts replaced (see above). */
export function newDocument(info: { Title: string; Subject: string }): Doc {
  const doc = new PDFDocument({ size: "A4", margin: 0, autoFirstPage: false, fontLayoutCache: false, info: { ...info, Creator: "Countersign" } });
  for (const { font, data } of packFonts()) doc.registerFont(font.id, data);
  doc.on("pageAdded", () => batchWrites((doc.page as unknown as { content: ContentStream }).content));
  const patched = new Set<string>();
  const use = doc.font.bind(doc);
  doc.font = ((src: string, ...rest: unknown[]) => {
    const result = (use as (s: string, ...r: unknown[]) => Doc)(src, ...rest);
    if (!patched.has(src)) {
      patched.add(src);
      patchLayout((doc as unknown as { _font: PdfkitFont })._font, FONT_CHAIN.find((f) => f.id === src)?.rtl ?? false);
    }
    return result;
  }) as Doc["font"];
  return doc;
}

/** A line cut into runs of one font each, left to right, with their widths at one size. */
interface LineLayout {
  runs: { id: string; text: string; width: number }[];
  width: number;
}

// Lines measured, per document: `wrap` measures a line and `drawLine` draws it, and an entry's
// details ("Musician · United Kingdom — Email confirmed") repeat across the list. Bounded: cleared
// when full.
const MEASURED_MAX = 4096;
const measured = new WeakMap<Doc, Map<string, LineLayout>>();

function lineLayout(doc: Doc, text: string, size: number): LineLayout {
  let cache = measured.get(doc);
  if (!cache) measured.set(doc, (cache = new Map()));
  const key = `${size}|${text}`;
  let layout = cache.get(key);
  if (layout) return layout;
  layout = { runs: [], width: 0 };
  for (const run of visualRuns(text)) {
    const width = doc.font(run.font.id).fontSize(size).widthOfString(run.text);
    layout.runs.push({ id: run.font.id, text: run.text, width });
    layout.width += width;
  }
  if (cache.size >= MEASURED_MAX) cache.clear();
  cache.set(key, layout);
  return layout;
}

/** A line's width at `size`, each run in its own font. */
export function widthOf(doc: Doc, text: string, size: number): number {
  return lineLayout(doc, text, size).width;
}

/**
 * Draws one line (no wrapping) with its baseline at y: runs left to right, each in the font that
 * has its characters (on one baseline: the fonts' ascenders differ).
 */
export function drawLine(doc: Doc, text: string, x: number, y: number, size: number): number {
  let at = x;
  for (const run of lineLayout(doc, text, size).runs) {
    doc.font(run.id).fontSize(size);
    doc.text(run.text, at, y, { lineBreak: false, textWidth: run.width, baseline: "alphabetic" } as PDFKit.Mixins.TextOptions);
    at += run.width;
  }
  return at - x;
}

// Lines a text was cut into, per document (the details of entries repeat; names rarely wrap).
const wrapped = new WeakMap<Doc, Map<string, string[]>>();

/**
 * Cuts `text` into lines at most `width` wide: at spaces, and inside a word only when the word
 * alone is wider than a line (long CJK names have no spaces). Never drops a character.
 */
export function wrap(doc: Doc, text: string, size: number, width: number): string[] {
  let cache = wrapped.get(doc);
  if (!cache) wrapped.set(doc, (cache = new Map()));
  const key = `${size}|${width}|${text}`;
  let lines = cache.get(key);
  if (!lines) {
    lines = cut(doc, text, size, width);
    if (cache.size >= MEASURED_MAX) cache.clear();
    cache.set(key, lines);
  }
  return lines;
}

function cut(doc: Doc, text: string, size: number, width: number): string[] {
  if (widthOf(doc, text, size) <= width) return [text];
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/(?<= )/u)) {
    const candidate = line + word;
    if (widthOf(doc, candidate.trimEnd(), size) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line.trimEnd());
    line = "";
    // A word wider than the line is cut between characters.
    for (const char of word) {
      if (line && widthOf(doc, (line + char).trimEnd(), size) > width) {
        lines.push(line.trimEnd());
        line = "";
      }
      line += char;
    }
  }
  if (line.trim()) lines.push(line.trimEnd());
  return lines;
}
