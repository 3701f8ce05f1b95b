// npm run bench:roster — how long a label's 1,000-artist roster takes to check and to save.
//
// On PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/countersign_bench_roster,
// created if missing and migrated; the labels and rows it writes are left behind, so point it at a
// scratch database) builds one 1,000-row CSV (varied names, some quoted, roles and countries as codes
// and as words, half with the artist's address, some links), then, RUNS times each on a fresh label
// and rep (made as tests/support/labels.ts makes them):
//
//   previewRoster  the route's "Check the roster": parse and check every row, read the label's list
//   saveRoster     the route's "Save": the all-or-nothing transaction, each row a signature with its
//                  audit row, and for an artist with an address a token and a roster-notice email
//
// and, as the raw limit in the same run, a plain multi-row INSERT of 1,000 comparable rows into
// signatures (ratio = ours / raw), plus the same rows with their audit rows, tokens and emails as
// four multi-row INSERTs (what saveRoster writes, written in one round trip per table).
// One warm-up of each is run first and not counted. RUNS (5) and ROWS (1000) may be set.
import { availableParallelism, loadavg } from "node:os";
import { sql, type KyselyPlugin } from "kysely";
import Papa from "papaparse";
import pg from "pg";
import type { Rep } from "../app/domain/labels/labels.server";
import { checkedRows, previewRoster, saveRoster, type RosterRowInput } from "../app/domain/labels/roster.server";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion, type LetterVersion } from "../app/domain/letter/letter.server";
import { COUNTRIES } from "../app/domain/signatures/countries";
import { normaliseEmail } from "../app/domain/signatures/email";
import { ROLE_LABELS, ROLES } from "../app/domain/signatures/states";
import { nameKey, searchKey } from "../app/domain/signatures/text";
import { newToken, sha256 } from "../app/domain/signatures/tokens.server";
import { openPostgres, type Db } from "../db/client";
import { migrateToLatest } from "../db/migrator";
import { labelWithRep } from "../tests/support/labels";

const RUNS = Number(process.env.RUNS ?? 5);
const ROWS = Number(process.env.ROWS ?? 1000);
const TARGET_MS = 2000;
const url = process.env.DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/countersign_bench_roster";
const cpus = availableParallelism();

// ---------------------------------------------------------------------------------------------
// The database: created on its server if missing, then migrated.

async function ensureDatabase(target: string) {
  const name = decodeURIComponent(new URL(target).pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`use a plain database name in DATABASE_URL, not "${name}"`);
  const adminUrl = new URL(target);
  adminUrl.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("select 1 from pg_database where datname = $1", [name]);
    if (!rowCount) {
      await admin.query(`create database ${name}`);
      console.log(`created database ${name}`);
    }
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------------------------------------
// The roster: a seeded PRNG over word lists with accents, so every run checks the same file.

function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20261202);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const FIRST = ["José", "Zoë", "Björk", "Søren", "Chloé", "Ólafur", "João", "Łukasz", "Maëlle", "Anaïs", "Ingrid", "Nils", "María", "Lucía", "Mateo"];
const FIRST_MORE = ["Sofía", "Diego", "Fatima", "Amara", "Kwame", "Chidi", "Aisha", "Yusuf", "Layla", "Hiroshi", "Yuki", "Min-jun", "Priya", "Arjun", "Mei"];
const LAST = ["García", "Müller", "Nørgaard", "Kowalski", "O'Brien", "Dubois", "Jónsdóttir", "Okafor", "Mensah", "Tanaka", "Kim", "Nguyễn", "Haddad"];
const LAST_MORE = ["Rossi", "Silva", "Novák", "Virtanen", "Öztürk", "Papadopoulos", "Ivanova", "Sørensen", "Fernández", "Lindqvist", "Mbeki", "Costa"];
const ADJECTIVES = ["Velvet", "Quiet", "Electric", "Northern", "Hollow", "Golden", "Midnight", "Paper", "Silver", "Broken", "Gentle", "Neon", "Wild"];
const NOUNS = ["Harbour", "Lanterns", "Atlas", "Orchard", "Tides", "Foxes", "Comets", "Meridian", "Glasshouse", "Echoes", "Pines", "Satellites", "Rivers"];
const BAND_SUFFIX = ["Trio", "Quartet", "Collective", "Ensemble", "Sound System", "& the Night Shift", "Orchestra", "Band", "Project"];
const COUNTRY_WORDS = ["Germany", "UK", "USA", "Brazil", "Japan", "Nigeria", "Iceland", "Mexico", "South Korea", "Trinidad and Tobago", "France"];
const COUNTRY_CODES = COUNTRIES.map(([code]) => code);

function artistName(): string {
  const shape = random();
  if (shape < 0.6) return `${pick([...FIRST, ...FIRST_MORE])} ${pick([...LAST, ...LAST_MORE])}`;
  if (shape < 0.75) return `${pick([...FIRST, ...FIRST_MORE])} ${pick(LAST)} ${pick(BAND_SUFFIX)}`;
  if (shape < 0.9) return `${pick(ADJECTIVES)} ${pick(NOUNS)}`;
  if (shape < 0.95) return `${pick(NOUNS)}, ${pick(NOUNS)} & ${pick(NOUNS)}`; // a comma: the cell is quoted
  return `The "${pick(ADJECTIVES)}" ${pick(NOUNS)}`; // quotes inside a quoted cell
}

function buildCsv(rows: number): { csv: string; withEmail: number } {
  const seen = new Set<string>();
  const lines: string[][] = [];
  let withEmail = 0;
  for (let i = 0; lines.length < rows; i++) {
    let name = artistName();
    // Names are unique on a roster: a repeat gets a number, as a label's own list would.
    for (let n = 2; seen.has(nameKey(name)); n++) name = `${name.replace(/ \d+$/, "")} ${n}`;
    seen.add(nameKey(name));
    const role = random() < 0.7 ? pick(ROLES) : ROLE_LABELS[pick(ROLES)];
    const country = random() < 0.8 ? pick(COUNTRY_CODES) : pick(COUNTRY_WORDS);
    const link = random() < 0.3 ? `https://music.example.org/artists/${i}` : "";
    // Every other row gives the artist's address: exactly half.
    const email = lines.length % 2 === 0 ? `artist.${i}@example.org` : "";
    if (email) withEmail++;
    lines.push([name, role, country, link, email]);
  }
  return { csv: Papa.unparse({ fields: ["name", "role", "country", "link", "email"], data: lines }, { newline: "\n" }), withEmail };
}

// ---------------------------------------------------------------------------------------------
// Timing.

async function freshRep(db: Db): Promise<Rep> {
  const rep = await labelWithRep(db);
  return { userId: rep.userId, email: rep.email, name: null, labelId: rep.labelId };
}

const time = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
};

/** The raw limit: one multi-row INSERT of the same rows, every column saveRoster sets on a signature. */
async function rawSignatures(db: Db, letter: LetterVersion, labelId: string, rows: RosterRowInput[]) {
  return db
    .insertInto("signatures")
    .values(rows.map((row) => signatureValues(letter, labelId, row)))
    .returning("id")
    .execute();
}

function signatureValues(letter: LetterVersion, labelId: string, row: RosterRowInput) {
  return {
    letter_id: letter.letterId,
    letter_version_id: letter.versionId,
    kind: "roster" as const,
    state: "pending" as const,
    label_id: labelId,
    display_name: row.displayName,
    name_key: nameKey(row.displayName),
    search_key: searchKey(row.displayName),
    role: row.role,
    country: row.country,
    link: row.link ?? null,
    artist_email: row.artistEmail ?? null,
    artist_email_normalized: row.artistEmail ? normaliseEmail(row.artistEmail) : null,
    consent_public: true,
    attested: true,
  };
}

/** What saveRoster writes, as four multi-row INSERTs in one transaction: signatures, audit rows, tokens, emails. */
async function rawEverything(db: Db, letter: LetterVersion, rep: Rep, rows: RosterRowInput[]) {
  await db.transaction().execute(async (trx) => {
    const ids = await rawSignatures(trx, letter, rep.labelId, rows);
    await trx
      .insertInto("audit_log")
      .values(ids.map(({ id }) => ({ actor: `user:${rep.userId}`, action: "list", subject_type: "signature", subject_id: id, after_state: "pending" })))
      .execute();
    const told = rows.flatMap((row, i) => (row.artistEmail ? [{ id: ids[i]!.id, row, token: newToken() }] : []));
    if (told.length === 0) return;
    const expires = new Date(Date.now() + 90 * 86_400_000);
    await trx
      .insertInto("signature_tokens")
      .values(told.map((t) => ({ signature_id: t.id, purpose: "roster" as const, token_hash: sha256(t.token), code_hash: null, expires_at: expires })))
      .execute();
    await trx
      .insertInto("email_outbox")
      .values(
        told.map((t) => ({
          template: "roster-notice",
          to_address: t.row.artistEmail!,
          props: JSON.stringify({
            artistName: t.row.displayName,
            labelName: "Bench",
            labelDomain: "bench.test",
            letterTitle: letter.title,
            token: t.token,
            reminder: false,
          }),
        })),
      )
      .execute();
  });
}

/** The same database, counting the statements run through it (a transaction started from it counts too). */
function counting(db: Db): { db: Db; statements: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), statements: () => n };
}

interface Stat {
  step: string;
  runs: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function printTable(stats: Stat[], rawMedian: number) {
  const head = ["step", "runs", "min ms", "median ms", "max ms", "rows/s", "÷ raw"];
  const rows = stats.map((s) => {
    const m = median(s.runs);
    return [
      s.step,
      String(s.runs.length),
      Math.min(...s.runs).toFixed(1),
      m.toFixed(1),
      Math.max(...s.runs).toFixed(1),
      Math.round((ROWS / m) * 1000).toLocaleString("en-GB"),
      (m / rawMedian).toFixed(1) + "×",
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

// ---------------------------------------------------------------------------------------------

await ensureDatabase(url);
const database = openPostgres(url, 2);
try {
  const db = database.db;
  await migrateToLatest(db);
  const letter = await registerLetterVersion(db, CURRENT_LETTER.slug, await readLetterFile());
  const server = await sql<{ version: string }>`select current_setting('server_version') as version`.execute(db);
  const { csv, withEmail } = buildCsv(ROWS);
  console.log(
    `PostgreSQL ${server.rows[0]!.version} at ${new URL(url).host}${new URL(url).pathname}; roster CSV ${ROWS.toLocaleString("en-GB")} rows, ` +
      `${(Buffer.byteLength(csv) / 1024).toFixed(0)} KiB, ${withEmail} with the artist's address; ${RUNS} runs each after one warm-up, each on a fresh label`,
  );

  const preview: number[] = [];
  const save: number[] = [];
  const total: number[] = [];
  const raw: number[] = [];
  const rawAll: number[] = [];
  const loadBefore = loadavg();
  for (let run = 0; run <= RUNS; run++) {
    const warmUp = run === 0;
    const rep = await freshRep(db);
    const checked = await time(() => previewRoster(db, rep, letter.letterId, csv));
    const parsed = checked.value;
    if (!parsed.ok) throw new Error(`the roster was refused: ${parsed.message}`);
    const rows = checkedRows(parsed);
    if (!rows || parsed.valid !== ROWS) {
      const bad = parsed.rows.filter((r) => Object.keys(r.errors).length > 0).slice(0, 5);
      throw new Error(
        `${parsed.invalid} of ${parsed.rows.length} rows refused, for example:\n${bad.map((r) => `  line ${r.line}: ${JSON.stringify(r.errors)}`).join("\n")}`,
      );
    }
    const counted = counting(db);
    const saved = await time(() => saveRoster(run === 1 ? counted.db : db, rep, letter, rows));
    if (saved.value.status !== "saved" || saved.value.count !== ROWS) throw new Error(`saveRoster: ${JSON.stringify(saved.value).slice(0, 300)}`);
    if (run === 1) {
      // Once: what the save wrote, table by table.
      const written = await sql<{ signatures: number; audit: number; tokens: number; emails: number }>`
        select (select count(*)::int from signatures where label_id = ${rep.labelId} and kind = 'roster' and state = 'pending') as signatures,
               (select count(*)::int from audit_log a join signatures s on a.subject_type = 'signature' and a.subject_id = s.id::text where s.label_id = ${rep.labelId}) as audit,
               (select count(*)::int from signature_tokens t join signatures s on s.id = t.signature_id where s.label_id = ${rep.labelId} and t.purpose = 'roster') as tokens,
               (select count(*)::int from email_outbox o where o.template = 'roster-notice' and o.props->>'labelName' = (select name from labels where id = ${rep.labelId})) as emails`.execute(
        db,
      );
      const w = written.rows[0]!;
      const n = counted.statements();
      console.log(
        `one save ran ${n.toLocaleString("en-GB")} statements besides BEGIN and COMMIT (${(n / ROWS).toFixed(1)} a row; ${(saved.ms / n).toFixed(2)} ms each on average) and wrote:`,
      );
      console.log(`  ${w.signatures} pending roster signatures, ${w.audit} audit rows, ${w.tokens} roster tokens, ${w.emails} roster-notice emails`);
      if (w.signatures !== ROWS || w.audit !== ROWS || w.tokens !== withEmail || w.emails !== withEmail)
        throw new Error("the save did not write what was expected");
    }
    const rawRep = await freshRep(db);
    const rawRun = await time(() => rawSignatures(db, letter, rawRep.labelId, rows));
    if (rawRun.value.length !== ROWS) throw new Error(`the raw insert wrote ${rawRun.value.length} rows`);
    const rawAllRep = await freshRep(db);
    const rawAllRun = await time(() => rawEverything(db, letter, rawAllRep, rows));
    const line = `preview ${checked.ms.toFixed(0)} ms, save ${saved.ms.toFixed(0)} ms, raw ${rawRun.ms.toFixed(0)} ms, raw all tables ${rawAllRun.ms.toFixed(0)} ms`;
    console.log(warmUp ? `warm-up: ${line} (not counted)` : `run ${run}: ${line}`);
    if (warmUp) continue;
    preview.push(checked.ms);
    save.push(saved.ms);
    total.push(checked.ms + saved.ms);
    raw.push(rawRun.ms);
    rawAll.push(rawAllRun.ms);
  }
  const loadAfter = loadavg();

  console.log("");
  const rawMedian = median(raw);
  printTable(
    [
      { step: "previewRoster (parse + check)", runs: preview },
      { step: "saveRoster (all or nothing)", runs: save },
      { step: "preview + save", runs: total },
      { step: "raw: 1 multi-row INSERT, signatures", runs: raw },
      { step: "raw: 4 multi-row INSERTs, same tables", runs: rawAll },
    ],
    rawMedian,
  );
  const fmt = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  console.log(
    `\nload average (1, 5, 15 min) on ${cpus} CPUs: ${fmt(loadBefore)} before, ${fmt(loadAfter)} after; more than ${cpus} means something else was competing`,
  );
  const worst = Math.max(...total);
  console.log(
    `target: checked and saved in under ${TARGET_MS / 1000} s — median ${(median(total) / 1000).toFixed(2)} s, slowest ${(worst / 1000).toFixed(2)} s: ` +
      (median(total) < TARGET_MS ? (worst < TARGET_MS ? "met" : "met at the median, not in every run") : "NOT met"),
  );
} finally {
  await database.close();
}
