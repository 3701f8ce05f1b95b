#!/usr/bin/env node
// npm run verify:snapshots -- <site URL | folder>
//
// Checks Countersign's published snapshots with nothing but Node.js (20 or later): every row's
// digest from its salt and columns, every snapshot's root from its digests, and every chain link
// from the one before. A folder holds snapshots.json (as served at /press/snapshots.json) and the
// files beside it, each named <identifier>.csv. Prints OK or FAIL per snapshot and how many rows
// were redacted (a count only); exits 1 when anything fails. The method: docs/decisions/012.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";

const GENESIS = "0".repeat(64);
const COLUMNS = ["digest", "salt", "name", "kind", "role", "country", "label", "signed_on", "approved_at", "featured", "badges"];
const HEADER = COLUMNS.join(",");
const REDACTED_TAIL = ",".repeat(COLUMNS.length - 2);
const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;
const IDENTIFIER = /^\d{6}-\d{8}T\d{6}Z$/;

const sha256 = (text) => createHash("sha256").update(text, "utf8").digest("hex");
const chainLink = (previous, identifier, root, rowCount) => sha256(`${previous ?? GENESIS}\n${identifier}\n${root}\n${rowCount}`);

/** CSV records (CRLF outside quotes ends one) from a stream of text chunks, without holding the file. */
async function* records(chunks) {
  let buffer = "";
  let scan = 0;
  let inQuotes = false;
  for await (const chunk of chunks) {
    buffer += chunk;
    let start = 0;
    let i = scan;
    for (; i < buffer.length; i++) {
      const c = buffer[i];
      if (c === '"') inQuotes = !inQuotes;
      else if (c === "\r" && !inQuotes) {
        if (i + 1 === buffer.length) break; // the next chunk says whether a \n follows
        if (buffer[i + 1] === "\n") {
          yield buffer.slice(start, i);
          start = i + 2;
          i += 1;
        }
      }
    }
    buffer = buffer.slice(start);
    scan = i - start;
  }
  if (buffer !== "") yield buffer;
}

/** Checks one file against its entry; returns { ok, reason?, rows, redacted }. */
async function checkFile(entry, chunks) {
  let rows = 0;
  let redacted = 0;
  let first = true;
  const root = createHash("sha256");
  for await (let record of records(chunks)) {
    if (first) {
      first = false;
      if (record.startsWith("\uFEFF")) record = record.slice(1);
      if (record !== HEADER) return { ok: false, reason: "the header is not the snapshot header", rows, redacted };
      continue;
    }
    rows += 1;
    const digest = record.slice(0, 64);
    if (!HEX64.test(digest) || record[64] !== ",") return { ok: false, reason: `row ${rows} does not start with a digest`, rows, redacted };
    const rest = record.slice(65);
    if (rest.startsWith(",")) {
      // Redacted: no salt, and every other field empty.
      if (rest !== REDACTED_TAIL) return { ok: false, reason: `row ${rows} has no salt but is not empty`, rows, redacted };
      redacted += 1;
    } else {
      const salt = rest.slice(0, 32);
      if (!HEX32.test(salt) || rest[32] !== ",") return { ok: false, reason: `row ${rows} has no valid salt`, rows, redacted };
      if (sha256(salt + rest.slice(33)) !== digest) return { ok: false, reason: `row ${rows} does not match its digest`, rows, redacted };
    }
    root.update(digest, "utf8");
  }
  if (first) return { ok: false, reason: "the file is empty", rows, redacted };
  if (rows !== entry.rowCount) return { ok: false, reason: `${rows} rows, but ${entry.rowCount} were published`, rows, redacted };
  if (root.digest("hex") !== entry.root) return { ok: false, reason: "the digests do not give the published root", rows, redacted };
  return { ok: true, rows, redacted };
}

async function* textOf(body) {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for await (const bytes of body) yield decoder.decode(bytes, { stream: true });
  yield decoder.decode();
}

function sourceOf(target) {
  if (/^https?:\/\//i.test(target)) {
    const base = target.replace(/\/+$/, "");
    const get = async (url) => {
      const res = await fetch(url, { headers: { "User-Agent": "countersign-verify-snapshots" } });
      if (!res.ok || !res.body) throw new Error(`${url}: HTTP ${res.status}`);
      return res;
    };
    return {
      index: async () => (await get(`${base}/press/snapshots.json`)).json(),
      file: async (identifier) => textOf((await get(`${base}/press/snapshots/${identifier}.csv`)).body),
    };
  }
  return {
    index: async () => JSON.parse(await readFile(path.join(target, "snapshots.json"), "utf8")),
    file: async (identifier) => textOf(createReadStream(path.join(target, `${identifier}.csv`))),
  };
}

async function main(target) {
  const source = sourceOf(target);
  const index = await source.index();
  if (!index || !Array.isArray(index.data)) throw new Error("snapshots.json has no data list");
  const entries = [...index.data].sort((a, b) => a.seq - b.seq);
  let previous = null;
  let failures = 0;
  let totalRedacted = 0;
  for (const [i, entry] of entries.entries()) {
    const label = typeof entry.identifier === "string" ? entry.identifier : `#${i + 1}`;
    const fail = (reason) => {
      failures += 1;
      console.log(`FAIL ${label}: ${reason}`);
    };
    if (!IDENTIFIER.test(entry.identifier ?? "") || !HEX64.test(entry.root ?? "") || !HEX64.test(entry.chainSha256 ?? "")) {
      fail("the entry in snapshots.json is malformed");
      previous = entry.chainSha256 ?? null;
      continue;
    }
    let broken = null;
    if (entry.seq !== i + 1 || Number(entry.identifier.slice(0, 6)) !== entry.seq) broken = "the sequence has a gap or does not match the identifier";
    else if ((entry.previousChainSha256 ?? null) !== previous) broken = "the link to the previous snapshot is broken";
    else if (chainLink(previous, entry.identifier, entry.root, entry.rowCount) !== entry.chainSha256) broken = "the chain hash does not match";
    let result;
    try {
      result = await checkFile(entry, await source.file(entry.identifier));
    } catch (error) {
      result = { ok: false, reason: `cannot read the file (${error instanceof Error ? error.message : String(error)})`, rows: 0, redacted: 0 };
    }
    if (broken) fail(broken);
    else if (!result.ok) fail(result.reason);
    else {
      totalRedacted += result.redacted;
      console.log(`OK   ${label}: ${result.rows} rows, ${result.redacted} redacted`);
    }
    previous = entry.chainSha256;
  }
  console.log(
    failures === 0
      ? `all ${entries.length} snapshots verify (${totalRedacted} rows redacted in all); latest chain hash ${previous ?? "(none)"}`
      : `${failures} of ${entries.length} snapshots FAIL`,
  );
  return failures === 0 ? 0 : 1;
}

const target = process.argv[2];
if (!target || process.argv.length > 3) {
  console.error("usage: npm run verify:snapshots -- <site URL | folder with snapshots.json and the .csv files>");
  process.exit(2);
}
main(target).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`FAIL: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
