import { createHash } from "node:crypto";
import MarkdownIt from "markdown-it";
import { BADGES, KIND_LABELS, publicRole, type BadgeId } from "../public-list/badges";
import { countryName } from "../signatures/countries";
import { drawLine, newDocument, wrap, type Doc } from "./typeset.server";

/** What the pack states besides the names: every figure is read from the database by packs.server.ts. */
export interface PackFacts {
  title: string;
  /** The letter's Markdown without its title. */
  letterBody: string;
  letterSha256: string;
  /** When the pack was made, ISO 8601 UTC. */
  madeAt: string;
  siteUrl: string;
  snapshot: { identifier: string; takenAt: string; root: string; chainSha256: string; rowCount: number };
  counts: PackCounts;
}

export interface PackCounts {
  /** Approved signatures, named or not. */
  total: number;
  /** Names in this pack: the snapshot's rows still on the list. */
  listed: number;
  unnamed: number;
  byKind: Record<keyof typeof KIND_LABELS, number>;
}

export interface PackEntry {
  name: string;
  kind: string;
  role: string;
  country: string;
  label: string | null;
  badges: BadgeId[];
}

const PAGE = { width: 595.28, height: 841.89, margin: 56 };
const WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin;
const GREY = "#555555";
const INK = "#111111";

/** The Markdown body as plain paragraphs (a list item is one paragraph starting with a bullet). */
export function letterParagraphs(body: string): { text: string; heading: boolean }[] {
  const out: { text: string; heading: boolean }[] = [];
  let heading = false;
  let bullet = false;
  for (const token of new MarkdownIt().parse(body, {})) {
    if (token.type === "heading_open") heading = true;
    if (token.type === "list_item_open") bullet = true;
    if (token.type !== "inline") continue;
    const text = (token.children ?? [])
      .map((child) =>
        child.type === "softbreak" || child.type === "hardbreak" ? " " : child.type === "text" || child.type === "code_inline" ? child.content : "",
      )
      .join("");
    out.push({ text: bullet ? `• ${text}` : text, heading });
    heading = false;
    bullet = false;
  }
  return out;
}

/** A pack's entry as two lines of text: the name, then role, country, label and marks. */
export function entryDetails(entry: PackEntry): string {
  const parts = [publicRole(entry.kind, entry.role), countryName(entry.country)];
  if (entry.label && entry.kind !== "label") parts.push(`via ${entry.label}`);
  const marks = entry.badges.map((b) => BADGES[b].label);
  return [parts.join(" · "), ...(marks.length ? [marks.join(" · ")] : [])].join(" — ");
}

interface Writer {
  doc: Doc;
  y: number;
  page: number;
  footer: string;
}

function newPage(w: Writer) {
  w.doc.addPage();
  w.page += 1;
  w.y = PAGE.margin;
  w.doc.fillColor(GREY);
  drawLine(w.doc, `${w.footer} · page ${w.page}`, PAGE.margin, PAGE.height - PAGE.margin / 2, 7);
  w.doc.fillColor(INK);
}

/** Writes wrapped text from the current position, turning the page when it is full. */
function paragraph(w: Writer, text: string, size: number, { color = INK, after = size * 0.6 } = {}) {
  const lineHeight = size * 1.35;
  w.doc.fillColor(color);
  for (const line of wrap(w.doc, text, size, WIDTH)) {
    if (w.y + lineHeight > BOTTOM) newPage(w);
    w.y += lineHeight;
    drawLine(w.doc, line, PAGE.margin, w.y - size * 0.3, size);
  }
  w.y += after;
  w.doc.fillColor(INK);
}

const formatCount = (n: number) => n.toLocaleString("en-GB");
const utc = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/**
 * Writes the pack: the letter and its hash, the figures, the snapshot it was made from and how to
 * check it, what the marks mean, then every entry of `batches` in the order given. The PDF comes
 * out through `sink` in pieces of `chunkBytes` (the last one shorter) as it is made (pdfkit writes each page when
 * the next begins), so memory stays flat at any number of names. Returns its SHA-256 and size.
 */
export async function writePack(
  facts: PackFacts,
  batches: AsyncIterable<PackEntry[]>,
  sink: (chunk: Buffer) => Promise<void>,
  progress: (done: number) => Promise<void>,
  chunkBytes = 1 << 20,
): Promise<{ sha256: string; byteSize: number; entries: number }> {
  const doc = newDocument({ Title: `${facts.title} — delivery pack`, Subject: `Signatories as of snapshot ${facts.snapshot.identifier}` });
  const hash = createHash("sha256");
  // pdfkit emits many small pieces (one per object line, one per page's stream). Each is hashed and
  // copied into the piece being filled as it comes, so none is kept past the event: held until a
  // megabyte had gathered, they outlived the young generation and filled the old one (and
  // external memory) until the next full collection.
  let filling = Buffer.allocUnsafe(chunkBytes);
  let used = 0;
  const full: Buffer[] = [];
  let byteSize = 0;
  doc.on("data", (piece: Uint8Array) => {
    hash.update(piece);
    byteSize += piece.length;
    for (let offset = 0; offset < piece.length;) {
      const n = Math.min(piece.length - offset, chunkBytes - used);
      filling.set(piece.subarray(offset, offset + n), used);
      used += n;
      offset += n;
      if (used === chunkBytes) {
        full.push(filling);
        filling = Buffer.allocUnsafe(chunkBytes);
        used = 0;
      }
    }
  });
  const ended = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  /** Stores the pieces filled so far (and, at the end, the last one, shorter). */
  const flush = async (last: boolean) => {
    while (full.length > 0) await sink(full.shift()!);
    if (last && used > 0) await sink(filling.subarray(0, used));
  };

  const w: Writer = { doc, y: 0, page: 0, footer: `Delivery pack · made ${utc(facts.madeAt)} · snapshot ${facts.snapshot.identifier}` };
  newPage(w);
  paragraph(w, facts.title, 20, { after: 4 });
  paragraph(w, `Delivery pack of the open letter, made ${utc(facts.madeAt)} from snapshot ${facts.snapshot.identifier} of the public list.`, 9, {
    color: GREY,
    after: 14,
  });
  for (const p of letterParagraphs(facts.letterBody)) paragraph(w, p.text, p.heading ? 13 : 10);
  paragraph(w, `SHA-256 of the letter's text (the version in force, as published): ${facts.letterSha256}`, 8, { color: GREY, after: 16 });

  const { counts, snapshot } = facts;
  paragraph(w, "The figures", 14, { after: 4 });
  const figures = [
    `Signatures approved by moderators: ${formatCount(counts.total)}.`,
    `Listed by name in this pack: ${formatCount(counts.listed)}.`,
    `Signed without being named (counted, never listed): ${formatCount(counts.unnamed)}.`,
    `By kind: ${(Object.keys(KIND_LABELS) as (keyof typeof KIND_LABELS)[]).map((k) => `${KIND_LABELS[k].toLowerCase()} ${formatCount(counts.byKind[k])}`).join(", ")}.`,
  ];
  const later = counts.total - counts.unnamed - counts.listed;
  if (later > 0) figures.push(`Approved by name after the snapshot was sealed (not in this pack): ${formatCount(later)}.`);
  for (const line of figures) paragraph(w, line, 10, { after: 2 });
  w.y += 12;

  paragraph(w, "How to check this list", 14, { after: 4 });
  paragraph(
    w,
    `Every name below is a row of snapshot ${snapshot.identifier} (sealed ${utc(snapshot.takenAt)}, ${formatCount(snapshot.rowCount)} rows), published with the chain of every snapshot at ${facts.siteUrl}/press. Its file is ${facts.siteUrl}/press/snapshots/${snapshot.identifier}.csv; "npm run verify:snapshots -- ${facts.siteUrl}" recomputes every row's digest, the root and the chain.`,
    10,
  );
  paragraph(w, `Snapshot root: ${snapshot.root}`, 8, { color: GREY, after: 2 });
  paragraph(w, `Snapshot chain hash: ${snapshot.chainSha256}`, 8, { color: GREY, after: 16 });

  paragraph(w, "What the marks beside each name mean", 14, { after: 4 });
  paragraph(w, "Every name was approved by a moderator. A mark says what else was checked:", 10);
  for (const badge of Object.values(BADGES)) paragraph(w, `${badge.label}: ${badge.explanation}`, 9, { after: 3 });

  newPage(w);
  paragraph(w, `Signatories, A–Z (${formatCount(counts.listed)})`, 14, { after: 8 });
  let entries = 0;
  for await (const batch of batches) {
    for (const entry of batch) {
      const nameLines = wrap(doc, entry.name, 11, WIDTH);
      const detailLines = wrap(doc, entryDetails(entry), 8, WIDTH);
      const height = nameLines.length * 14 + detailLines.length * 10.5 + 6;
      if (w.y + height > BOTTOM) newPage(w);
      for (const line of nameLines) {
        w.y += 14;
        drawLine(doc, line, PAGE.margin, w.y - 3, 11);
      }
      doc.fillColor(GREY);
      for (const line of detailLines) {
        w.y += 10.5;
        drawLine(doc, line, PAGE.margin, w.y - 2, 8);
      }
      doc.fillColor(INK);
      w.y += 6;
      entries += 1;
    }
    await progress(entries);
    await flush(false);
  }
  paragraph(w, `End of the list: ${formatCount(entries)} names.`, 10, { color: GREY });
  doc.end();
  await ended;
  await flush(true);
  return { sha256: hash.digest("hex"), byteSize, entries };
}
