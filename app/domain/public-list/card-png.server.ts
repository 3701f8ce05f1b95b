import path from "node:path";
import { Resvg } from "@resvg/resvg-js";

/**
 * Link-preview cards as PNG (the big networks do not show SVG). The card's SVG is rendered by
 * resvg with the fonts shipped in assets/fonts (DejaVu Serif, regular and bold), never the
 * system's, so a card looks the same on every machine. A rendered card is kept per SVG text, which
 * holds the count: a new count renders once, then every request for it is a lookup.
 */

const FONT_FILES = ["DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"].map((f) => path.resolve("assets/fonts", f));

/** Cards kept (two cards × a few recent counts); the oldest is dropped first. */
const KEEP = 16;
const rendered = new Map<string, ArrayBuffer>();

export function renderCardPng(svg: string): ArrayBuffer {
  const kept = rendered.get(svg);
  if (kept) {
    // Most recently used last.
    rendered.delete(svg);
    rendered.set(svg, kept);
    return kept;
  }
  const png = new Resvg(svg, {
    fitTo: { mode: "width", value: 1200 },
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: "DejaVu Serif", serifFamily: "DejaVu Serif" },
  })
    .render()
    .asPng();
  const bytes = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer;
  rendered.set(svg, bytes);
  if (rendered.size > KEEP) rendered.delete(rendered.keys().next().value!);
  return bytes;
}
