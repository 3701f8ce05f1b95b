import { createHash } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { fontRuns, packFonts } from "../../../app/domain/delivery/fonts.server";
import { packPdf, requestPack, runNextPack, listPacks } from "../../../app/domain/delivery/packs.server";
import { addUser } from "../../../app/domain/auth/users.server";
import { entryFromRow } from "../../../app/domain/delivery/packs.server";
import { listSnapshots } from "../../../app/domain/public-list/snapshots.server";
import { setupTestDatabase } from "../../support/db";
import { pdfText, scriptNames, seedNames, type PdfText } from "../../support/delivery";
import { addLabel, seedApprovedBulk, seedSignatures } from "../../support/public-list";
import { registerCurrentLetter } from "../../support/signatures";

// A pack of 10,000 listed names in eight scripts, beside names it must never show: signed without
// being named, pending, withdrawn, rejected. The PDF is parsed back with pdf.js.

const t = setupTestDatabase();
let letter: Awaited<ReturnType<typeof registerCurrentLetter>>;
let pdf: Uint8Array;
let text: PdfText;
let lineSet: Set<string>;
let fullText: string;
let packId: string;

const SCRIPTS = { arabic: 200, chinese: 50, japanese: 50, korean: 50, cyrillic: 150, greek: 150, devanagari: 150, hebrew: 100 } as const;
const OTHER_SCRIPTS = Object.values(SCRIPTS).reduce((a, b) => a + b, 0);
const MARKED = 3;
const BULK = 10_000 - OTHER_SCRIPTS - MARKED;
const hidden = (what: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${what} Person ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(65 + Math.floor(i / 26))}`);
const UNNAMED = hidden("Unnamed", 40);
const PENDING = hidden("Pending", 20);
const WITHDRAWN = hidden("Withdrawn", 20);
const REJECTED = hidden("Rejected", 10);

beforeAll(async () => {
  letter = await registerCurrentLetter(t.db);
  const started = Date.now();
  await seedApprovedBulk(t.db, letter, BULK, 30, "Listed Signer");
  for (const [script, n] of Object.entries(SCRIPTS)) await seedNames(t.db, letter, scriptNames(script as keyof typeof SCRIPTS, n), { prefix: script });
  const label = await addLabel(t.db, "Warp Records", `warp-${Date.now()}.test`);
  await seedSignatures(t.db, letter, [
    { name: "Warp Records", kind: "label", labelId: label, role: "other" },
    { name: "Aphex Twin", kind: "roster", labelId: label, identityCheck: "Reply from management" },
    { name: "Featured Star", featured: true },
  ]);
  await seedNames(t.db, letter, UNNAMED, { named: false, prefix: "unnamed" });
  await seedNames(t.db, letter, PENDING, { state: "pending", prefix: "pending" });
  await seedNames(t.db, letter, WITHDRAWN, { state: "withdrawn", prefix: "withdrawn" });
  await seedNames(t.db, letter, REJECTED, { state: "rejected", prefix: "rejected" });
  // eslint-disable-next-line no-console -- how long the seed took, beside the pack's figures
  console.log(`seeded ${10_000 + UNNAMED.length + PENDING.length + WITHDRAWN.length + REJECTED.length} signatures in ${Date.now() - started} ms`);

  const admin = await addUser(t.db, `admin.${Date.now()}@countersign.test`, "admin");
  packId = (await requestPack(t.db, letter.letterId, admin.id)).id;
  const building = Date.now();
  const result = await runNextPack(t.db, "https://letters.example.org");
  const buildMs = Date.now() - building;
  expect(result).toEqual({ id: packId, outcome: "ready" });
  const stored = await packPdf(t.db, letter.letterId, packId);
  const chunks: Uint8Array[] = [];
  for await (const chunk of stored!.chunks()) chunks.push(chunk);
  pdf = new Uint8Array(Buffer.concat(chunks));
  expect(pdf.byteLength).toBe(stored!.byteSize);
  expect(createHash("sha256").update(pdf).digest("hex")).toBe(stored!.sha256);
  const parsing = Date.now();
  text = await pdfText(pdf);
  // eslint-disable-next-line no-console -- the figures the README quotes
  console.log(
    `delivery pack, 10,000 names: built in ${(buildMs / 1000).toFixed(1)} s, ${(pdf.byteLength / 1e6).toFixed(2)} MB, ${text.pages} pages (parsed back in ${((Date.now() - parsing) / 1000).toFixed(1)} s)`,
  );
  lineSet = new Set(text.lines);
  fullText = text.lines.join("\n");
}, 180_000);

/** The names the public list shows, straight from the database (SHOWN_BY_NAME: approved and named). */
async function listedNames(): Promise<string[]> {
  const rows = await t.db.selectFrom("signatures").select("display_name").where("state", "=", "approved").where("named", "=", true).execute();
  return rows.map((r) => r.display_name);
}

describe("the delivery pack of 10,000 names", () => {
  it("is a PDF listing every listed name, in every script, and exactly the names of its snapshot", async () => {
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
    const names = await listedNames();
    expect(names).toHaveLength(10_000);
    // Devanagari is drawn in visual order (a vowel sign before its consonant, reph after), which
    // a PDF's character map cannot undo and pdf.js does not read ActualText: its names come back
    // with their characters reordered. They are checked by their characters here and by their
    // glyphs below; every other script must come back exactly.
    const reordered = new Set(scriptNames("devanagari", SCRIPTS.devanagari));
    const missing = names.filter((n) => !reordered.has(n) && !lineSet.has(n));
    expect(missing.slice(0, 10)).toEqual([]);
    for (const script of Object.keys(SCRIPTS)) {
      if (script !== "devanagari") expect(lineSet.has(scriptNames(script as keyof typeof SCRIPTS, 1)[0]!)).toBe(true);
    }
    const devanagariText = new Set([...text.lines.filter((l) => /\p{Script=Devanagari}/u.test(l)).join("")]);
    for (const name of reordered) for (const char of name.replace(/ /g, "")) expect(devanagariText.has(char), `${name}: ${char}`).toBe(true);

    // The pack's snapshot holds exactly these names, and the pack prints nothing else as a name.
    const [pack] = await listPacks(t.db, letter.letterId);
    const snapshot = await t.db.selectFrom("public_snapshots").select(["id"]).where("identifier", "=", pack!.snapshotIdentifier!).executeTakeFirstOrThrow();
    const rows = await t.db.selectFrom("public_snapshot_rows").select("row_text").where("snapshot_id", "=", snapshot.id).execute();
    expect(rows.map((r) => entryFromRow(r.row_text!).name).sort()).toEqual([...names].sort());
    const start = text.lines.findIndex((l) => l.startsWith("Signatories, A–Z"));
    const end = text.lines.findIndex((l) => l.startsWith("End of the list:"));
    const printed = text.lines.slice(start + 1, end).filter((l) => !l.startsWith("Delivery pack · made"));
    // Each entry is its name, then one line of details (none of these names wraps).
    const nameLines = printed.filter((l) => !/^(Musician|Songwriter|Producer|DJ|Label|Other|Podcaster|Engineer) · /.test(l));
    expect(printed.length - nameLines.length).toBe(10_000);
    const exact = nameLines.filter((l) => !/\p{Script=Devanagari}/u.test(l));
    expect(exact.sort()).toEqual(names.filter((n) => !reordered.has(n)).sort());
  });

  it("never shows an unnamed, pending, withdrawn or rejected name", () => {
    for (const name of [...UNNAMED, ...PENDING, ...WITHDRAWN, ...REJECTED]) expect(fullText).not.toContain(name);
    expect(fullText).not.toContain("private-mail.test");
  });

  it("states the counts, the letter's SHA-256 and the snapshot's hashes, as the database holds them", async () => {
    const letterRow = await t.db.selectFrom("letter_versions").select("sha256").where("id", "=", letter.versionId).executeTakeFirstOrThrow();
    expect(fullText).toContain(letterRow.sha256);
    expect(fullText).toContain(letter.title);
    const [snapshot] = await listSnapshots(t.db, letter.letterId);
    const [pack] = await listPacks(t.db, letter.letterId);
    expect(pack!.snapshotIdentifier).toBe(snapshot!.identifier);
    expect(fullText).toContain(`Snapshot chain hash: ${snapshot!.chainSha256}`);
    expect(fullText).toContain(`Snapshot root: ${snapshot!.root}`);
    expect(fullText).toContain(`/press/snapshots/${snapshot!.identifier}.csv`);

    const counts = await sql<{ total: number; unnamed: number; label: number; roster: number }>`
      select count(*)::int as total, (count(*) filter (where not named))::int as unnamed,
             (count(*) filter (where kind = 'label'))::int as label, (count(*) filter (where kind = 'roster'))::int as roster
      from signatures where state = 'approved'`.execute(t.db);
    const c = counts.rows[0]!;
    const n = (x: number) => x.toLocaleString("en-GB");
    expect(fullText).toContain(`Signatures approved by moderators: ${n(c.total)}.`);
    expect(fullText).toContain(`Listed by name in this pack: ${n(10_000)}.`);
    expect(fullText).toContain(`Signed without being named (counted, never listed): ${n(c.unnamed)}.`);
    expect(fullText).toContain(`By kind: artist ${n(c.total - c.label - c.roster)}, label ${n(c.label)}, via a label ${n(c.roster)}.`);
    expect(fullText).toContain(`End of the list: ${n(10_000)} names.`);
    expect(c.unnamed).toBe(UNNAMED.length);
  });

  it("prints each name's marks in the public list's words", () => {
    const at = text.lines.indexOf("Aphex Twin");
    expect(text.lines[at + 1]).toBe("Musician · United Kingdom · via Warp Records — Via label · Confirmed by the artist · Identity checked");
    expect(text.lines[text.lines.indexOf("Warp Records") + 1]).toBe("Label · United Kingdom — Label domain confirmed");
    expect(text.lines[text.lines.indexOf("Listed Signer 1") + 1]).toMatch(/^Musician · .+ — Email confirmed$/);
  });

  it("embeds fonts that have a glyph for every character of every name", async () => {
    const fonts = packFonts();
    for (const name of await listedNames()) {
      for (const run of fontRuns(name)) {
        const face = fonts.find((f) => f.font.id === run.font.id)!.face;
        for (const char of run.text) expect(face.hasGlyphForCodePoint(char.codePointAt(0)!), `${name}: ${char} in ${run.font.id}`).toBe(true);
      }
    }
    // pdfkit writes font dictionaries uncompressed: each script's font is embedded, as a subset.
    const raw = Buffer.from(pdf).toString("latin1");
    for (const font of [
      "NotoSans-Regular",
      "NotoSansArabic-Regular",
      "NotoSansHebrew-Regular",
      "NotoSansDevanagari-Regular",
      "DroidSansFallback",
      "NotoSansKR-Regular",
    ]) {
      expect(raw, font).toMatch(new RegExp(`/BaseFont /[A-Z]{6}\\+${font}`));
    }
  });
});
