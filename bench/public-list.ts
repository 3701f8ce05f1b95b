// npm run bench:public — the public list's latency with 100,000 approved signatures.
//
// Seeds a scratch PostgreSQL database (BENCH_DATABASE_URL or DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres; created and dropped) with varied names, starts the
// real server process on it and measures each public endpoint: WARMUP warm-up requests, then
// REQUESTS requests CONCURRENCY at a time, latencies taken around fetch() with the body read.
// Then one full CSV download (time, size, the server's memory before and after), and a 304.
//
//   npm run bench:public                 PostgreSQL
//   npm run bench:public -- --pglite     PostgreSQL, then the same on PGlite (a temp DATA_DIR)
//   npm run bench:public -- --pglite-only
//
// ROWS (100000), REQUESTS (400), CONCURRENCY (8), WARMUP (20), SERIAL (40), DEEP_PAGES (50) may be set.
// "c=1 p50" is the median of SERIAL requests sent one at a time (service time without queueing).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { openPglite, openPostgres, type Database, type Db } from "../db/client";
import { migrateToLatest } from "../db/migrator";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion } from "../app/domain/letter/letter.server";
import { reconcileRollup } from "../app/domain/public-list/rollup.server";
import { takeDailySnapshot } from "../app/domain/public-list/snapshots.server";
import { LABEL_SUFFIX, NOUNS, makeBatch, resetNames } from "./names";
import { spawnServer, type ServerProcess } from "../tests/support/process";

const ROWS = Number(process.env.ROWS ?? 100_000);
const REQUESTS = Number(process.env.REQUESTS ?? 400);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const WARMUP = Number(process.env.WARMUP ?? 20);
const DEEP_PAGES = Number(process.env.DEEP_PAGES ?? 50);
const SERIAL = Number(process.env.SERIAL ?? 40);
const BATCH = 10_000;
const cpus = availableParallelism();
const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const args = new Set(process.argv.slice(2));

execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], { stdio: "inherit" });

const secondsSince = (t: number) => (performance.now() - t) / 1000;

interface Seeded {
  seedSeconds: number;
  analyzeSeconds: number;
  reconcileSeconds: number;
  snapshotSeconds: number;
}

/** Migrates, registers the letter, seeds ROWS approved signatures, analyses, reconciles the counts. */
async function seed(db: Db, log: (line: string) => void): Promise<Seeded> {
  resetNames();
  await migrateToLatest(db);
  const letter = await registerLetterVersion(db, CURRENT_LETTER.slug, await readLetterFile());

  const labelIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const row = await db
      .insertInto("labels")
      .values({
        name: `${NOUNS[i % NOUNS.length]} ${LABEL_SUFFIX[i % LABEL_SUFFIX.length]} ${i}`,
        domain: `label${i}.example`,
        domain_verified_at: i % 3 === 0 ? null : sql<Date>`now()`,
      })
      .returning(sql<string>`id::text`.as("id"))
      .executeTakeFirstOrThrow();
    labelIds.push(row.id);
  }

  const stamp = Date.now().toString(36);
  let t = performance.now();
  for (let from = 1; from <= ROWS; from += BATCH) {
    const n = Math.min(BATCH, ROWS - from + 1);
    const b = makeBatch(n, labelIds);
    // One statement per batch: the row number from generate_series, the varied fields from arrays
    // walked alongside it (unnest … with ordinality, so each array is read once).
    await sql`
      insert into signatures (letter_id, letter_version_id, kind, state, display_name, name_key, search_key, role, country,
                              email, email_normalized, email_domain, ip_hash, consent_public, attested, label_id,
                              is_featured, identity_check, created_at, confirmed_at, approved_at)
      select ${letter.letterId}, ${letter.versionId}, r.kind, 'approved', r.display, r.nkey, r.skey, r.role, r.country,
             'bench' || g || '.' || ${stamp} || '@private-mail.test', 'bench' || g || '.' || ${stamp} || '@private-mail.test',
             'private-mail.test', md5('ip' || g), true, true, r.label,
             r.featured, case when r.featured then 'video call' end,
             now() - make_interval(secs => r.ago) - make_interval(hours => r.before),
             now() - make_interval(secs => r.ago) - make_interval(hours => r.before) + interval '10 minutes',
             now() - make_interval(secs => r.ago)
      from generate_series(${from}::int, ${from + n - 1}::int) as g
      join unnest(${b.display}::text[], ${b.skey}::text[], ${b.nkey}::text[], ${b.kind}::text[], ${b.role}::text[],
                  ${b.country}::text[], ${b.featured}::boolean[], ${b.label}::bigint[], ${b.agoSeconds}::int[], ${b.signedHoursBefore}::int[])
           with ordinality as r(display, skey, nkey, kind, role, country, featured, label, ago, before, i)
        on r.i = g - ${from - 1}`.execute(db);
  }
  const seedSeconds = secondsSince(t);
  log(`seeded ${ROWS.toLocaleString("en-GB")} approved signatures in ${seedSeconds.toFixed(1)} s (batches of ${BATCH.toLocaleString("en-GB")})`);

  t = performance.now();
  await sql`analyze signatures`.execute(db);
  const analyzeSeconds = secondsSince(t);
  t = performance.now();
  const { drift } = await reconcileRollup(db, letter.letterId);
  const reconcileSeconds = secondsSince(t);
  // The server takes the day's snapshot (the whole list, A–Z) at start-up when there is none: take
  // it here so its cost is shown on its own and not folded into the server's start.
  t = performance.now();
  await takeDailySnapshot(db, letter.letterId);
  const snapshotSeconds = secondsSince(t);
  const counts = await sql<{ names: number; countries: number; featured: number }>`
    select count(distinct search_key)::int as names, count(distinct country)::int as countries, count(*) filter (where is_featured)::int as featured
    from signatures where state = 'approved'`.execute(db);
  const c = counts.rows[0]!;
  log(
    `analyze ${analyzeSeconds.toFixed(1)} s, roll-up reconcile ${reconcileSeconds.toFixed(1)} s (drift ${drift}), daily snapshot ${snapshotSeconds.toFixed(1)} s; ` +
      `${c.names.toLocaleString("en-GB")} distinct names, ${c.countries} countries, ${c.featured} featured`,
  );
  return { seedSeconds, analyzeSeconds, reconcileSeconds, snapshotSeconds };
}

// ---------------------------------------------------------------------------------------------
// Load.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      const port = typeof address === "object" && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function memory(pid: number): { hwm: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN);
  return { hwm: kb("VmHWM") / 1024, rss: kb("VmRSS") / 1024 };
}

async function startServer(env: Record<string, string>): Promise<{ server: ServerProcess; url: string; seconds: number }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const t = performance.now();
  const server = spawnServer({
    APP_ENV: "development",
    APP_URL: url,
    OUTBOX_WORKER: "off",
    LOG_LEVEL: "warn",
    PUBLIC_REFRESH_SECONDS: "30",
    PORT: String(port),
    ...env,
  });
  // "warn" hides the listening line, so poll until the server answers.
  for (;;) {
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res) await res.arrayBuffer();
    if (res?.status === 200) break;
    if (server.child.exitCode !== null) throw new Error(`server exited (${server.child.exitCode}):\n${server.stderr()}${server.stdout()}`);
    if (performance.now() - t > 120_000) throw new Error(`server did not answer within 120 s:\n${server.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { server, url, seconds: secondsSince(t) };
}

interface Result {
  label: string;
  p50: number;
  p99: number;
  mean: number;
  rps: number;
  /** Median of SERIAL requests sent one at a time: the service time without queueing. */
  serialP50: number;
  bytes: number;
  encoding: string;
  statuses: string;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function load(label: string, url: string, expect: number, headers: Record<string, string> = {}): Promise<Result> {
  const one = async () => {
    const started = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.arrayBuffer();
    return { ms: performance.now() - started, status: res.status, bytes: body.byteLength, encoding: res.headers.get("content-encoding") ?? "identity" };
  };
  const run = async (n: number, concurrency = CONCURRENCY) => {
    const out: Awaited<ReturnType<typeof one>>[] = [];
    let issued = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, n) }, async () => {
        while (issued < n) {
          issued++;
          out.push(await one());
        }
      }),
    );
    return out;
  };
  await run(WARMUP);
  const serial = (await run(SERIAL, 1)).map((s) => s.ms).sort((a, b) => a - b);
  const t = performance.now();
  const samples = await run(REQUESTS);
  const wall = (performance.now() - t) / 1000;
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const statusCounts = new Map<number, number>();
  for (const s of samples) statusCounts.set(s.status, (statusCounts.get(s.status) ?? 0) + 1);
  const statuses = [...statusCounts].map(([status, n]) => (n === samples.length ? String(status) : `${status}×${n}`)).join(" ");
  if (statusCounts.get(expect) !== samples.length) throw new Error(`${label}: expected ${expect} every time, got ${statuses}`);
  return {
    label,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
    rps: samples.length / wall,
    serialP50: percentile(serial, 50),
    bytes: samples[0]!.bytes,
    encoding: samples[0]!.encoding,
    statuses,
  };
}

/** Follows `next` through the JSON API, DEEP_PAGES pages of 200, and returns the cursor there. */
async function deepCursor(url: string): Promise<{ cursor: string; rowsDeep: number; seconds: number }> {
  const t = performance.now();
  let after: string | null = null;
  let rows = 0;
  for (let i = 0; i < DEEP_PAGES; i++) {
    const res = await fetch(`${url}/api/v1/signatures?limit=200${after ? `&after=${after}` : ""}`);
    const body = (await res.json()) as { data: unknown[]; cursors: { next: string | null } };
    if (res.status !== 200 || !body.cursors.next) throw new Error(`deep paging stopped at page ${i + 1} (${res.status})`);
    rows += body.data.length;
    after = body.cursors.next;
  }
  return { cursor: after!, rowsDeep: rows, seconds: secondsSince(t) };
}

async function csvDownload(url: string, pid: number) {
  const before = memory(pid);
  let peakRss = before.rss;
  const sampler = setInterval(() => {
    try {
      peakRss = Math.max(peakRss, memory(pid).rss);
    } catch {
      // the process ended; the download will fail and say so
    }
  }, 50);
  // Meanwhile, one visitor after another reads /api/v1/stats: does the export hold them up?
  let downloading = true;
  const probes: number[] = [];
  const prober = (async () => {
    while (downloading) {
      const started = performance.now();
      const res = await fetch(`${url}/api/v1/stats`).catch(() => undefined);
      await res?.arrayBuffer();
      if (downloading) probes.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const t = performance.now();
  let firstByteMs = 0;
  let bytes = 0;
  let lines = 0;
  let encoding = "identity";
  try {
    const res = await fetch(`${url}/signatures.csv`);
    if (res.status !== 200 || !res.body) throw new Error(`/signatures.csv answered ${res.status}`);
    firstByteMs = performance.now() - t;
    encoding = res.headers.get("content-encoding") ?? "identity";
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const b of value) if (b === 10) lines++;
    }
  } finally {
    clearInterval(sampler);
    downloading = false;
  }
  const seconds = secondsSince(t);
  await prober;
  const after = memory(pid);
  probes.sort((a, b) => a - b);
  const probe = { n: probes.length, p50: probes.length ? percentile(probes, 50) : NaN, max: probes.length ? probes[probes.length - 1]! : NaN };
  return { seconds, firstByteMs, bytes, rows: lines - 1, encoding, before, after, peakRss: Math.max(peakRss, after.rss), probe };
}

async function revalidation(url: string) {
  const first = await fetch(`${url}/api/v1/stats`);
  await first.arrayBuffer();
  const etag = first.headers.get("etag");
  if (!etag) throw new Error("/api/v1/stats sent no ETag");
  const t = performance.now();
  const res = await fetch(`${url}/api/v1/stats`, { headers: { "If-None-Match": etag } });
  await res.arrayBuffer();
  const ms = performance.now() - t;
  if (res.status !== 304) throw new Error(`If-None-Match on /api/v1/stats answered ${res.status}, not 304`);
  return { etag, ms };
}

const fmt = (ms: number) => ms.toFixed(1);

function printTable(results: Result[]) {
  const head = ["endpoint", "p50 ms", "p99 ms", "mean ms", "req/s", "c=1 p50", "bytes", "enc", "status"];
  const rows = results.map((r) => [r.label, fmt(r.p50), fmt(r.p99), fmt(r.mean), r.rps.toFixed(0), fmt(r.serialP50), String(r.bytes), r.encoding, r.statuses]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 7 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

async function measure(backend: string, serverEnv: Record<string, string>, seeded: Seeded): Promise<string> {
  const { server, url, seconds: startSeconds } = await startServer(serverEnv);
  try {
    const pid = server.child.pid!;
    console.log(`server (${backend}) answered after ${startSeconds.toFixed(1)} s; idle RSS ${memory(pid).rss.toFixed(0)} MiB`);
    const deep = await deepCursor(url);
    console.log(
      `deep cursor: ${deep.rowsDeep.toLocaleString("en-GB")} rows in via ${DEEP_PAGES} API pages of 200 (${deep.seconds.toFixed(1)} s, ${((deep.seconds * 1000) / DEEP_PAGES).toFixed(0)} ms a page)`,
    );

    const endpoints: [label: string, path: string][] = [
      ["/signatures", "/signatures"],
      [`/signatures?after=<row ${deep.rowsDeep}>`, `/signatures?after=${deep.cursor}`],
      ["/signatures?q=bjork", "/signatures?q=bjork"],
      ["/signatures?q=jose%20garcai", "/signatures?q=jose%20garcai"],
      ["/signatures?country=FR&sort=az", "/signatures?country=FR&sort=az"],
      ["/api/v1/signatures", "/api/v1/signatures"],
      ["/api/v1/signatures?q=sigur", "/api/v1/signatures?q=sigur"],
      ["/api/v1/stats", "/api/v1/stats"],
      ["/", "/"],
      ["/badge.svg", "/badge.svg"],
    ];
    const loadBefore = loadavg()[0]!;
    console.log(
      `\n${backend}: ${ROWS.toLocaleString("en-GB")} approved signatures, ${WARMUP} warm-up, ${SERIAL} one at a time (c=1 p50), then ${REQUESTS} ${CONCURRENCY} at a time (p50…req/s); bytes: decoded body`,
    );
    const results: Result[] = [];
    for (const [label, path] of endpoints) results.push(await load(label, `${url}${path}`, 200));
    const stats = await fetch(`${url}/api/v1/stats`);
    await stats.arrayBuffer();
    results.push(await load("/api/v1/stats If-None-Match → 304", `${url}/api/v1/stats`, 304, { "If-None-Match": stats.headers.get("etag") ?? "" }));
    printTable(results);
    console.log(
      `(1-minute load average on ${cpus} CPUs: ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after; more than ${cpus} means something else was competing)`,
    );

    const single304 = await revalidation(url);
    console.log(`\none 304 revalidation of /api/v1/stats (If-None-Match: ${single304.etag}): ${fmt(single304.ms)} ms`);

    const csv = await csvDownload(url, pid);
    console.log(
      `/signatures.csv: ${csv.rows.toLocaleString("en-GB")} rows, ${(csv.bytes / 1024 / 1024).toFixed(1)} MiB decoded (sent ${csv.encoding}) in ${csv.seconds.toFixed(2)} s ` +
        `(first byte ${(csv.firstByteMs / 1000).toFixed(2)} s, ${(csv.rows / csv.seconds).toFixed(0)} rows/s)`,
    );
    console.log(
      `server memory: VmRSS ${csv.before.rss.toFixed(0)} → ${csv.after.rss.toFixed(0)} MiB (highest sampled during the download ${csv.peakRss.toFixed(0)} MiB), ` +
        `VmHWM (peak since start) ${csv.before.hwm.toFixed(0)} → ${csv.after.hwm.toFixed(0)} MiB`,
    );
    console.log(`/api/v1/stats read one at a time during the download: ${csv.probe.n} reads, p50 ${fmt(csv.probe.p50)} ms, slowest ${fmt(csv.probe.max)} ms`);
    if (csv.rows !== ROWS) throw new Error(`the CSV had ${csv.rows} rows, not ${ROWS}`);

    const by = (label: string) => results.find((r) => r.label === label)!;
    const deepRow = results[1]!;
    return (
      `SUMMARY ${backend} rows=${ROWS} seed=${seeded.seedSeconds.toFixed(1)}s reconcile=${seeded.reconcileSeconds.toFixed(1)}s start=${startSeconds.toFixed(1)}s | p50/p99 ms: ` +
      `list ${fmt(by("/signatures").p50)}/${fmt(by("/signatures").p99)}, deep ${fmt(deepRow.p50)}/${fmt(deepRow.p99)}, ` +
      `q=bjork ${fmt(by("/signatures?q=bjork").p50)}/${fmt(by("/signatures?q=bjork").p99)}, typo ${fmt(by("/signatures?q=jose%20garcai").p50)}/${fmt(by("/signatures?q=jose%20garcai").p99)}, ` +
      `FR+az ${fmt(by("/signatures?country=FR&sort=az").p50)}/${fmt(by("/signatures?country=FR&sort=az").p99)}, api ${fmt(by("/api/v1/signatures").p50)}/${fmt(by("/api/v1/signatures").p99)}, ` +
      `api q=sigur ${fmt(by("/api/v1/signatures?q=sigur").p50)}/${fmt(by("/api/v1/signatures?q=sigur").p99)}, stats ${fmt(by("/api/v1/stats").p50)}/${fmt(by("/api/v1/stats").p99)}, ` +
      `/ ${fmt(by("/").p50)}/${fmt(by("/").p99)}, badge ${fmt(by("/badge.svg").p50)}/${fmt(by("/badge.svg").p99)}, 304 ${fmt(single304.ms)} | ` +
      `csv ${csv.seconds.toFixed(2)}s ${(csv.bytes / 1024 / 1024).toFixed(1)}MiB stats-during-csv max ${fmt(csv.probe.max)}ms RSS ${csv.before.rss.toFixed(0)}→${csv.after.rss.toFixed(0)}MiB HWM ${csv.before.hwm.toFixed(0)}→${csv.after.hwm.toFixed(0)}MiB`
    );
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
}

// ---------------------------------------------------------------------------------------------

const summaries: string[] = [];

async function onPostgres() {
  const name = `cs_bench_public_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  let database: Database | undefined;
  try {
    console.log(`PostgreSQL: scratch database ${name}`);
    database = openPostgres(url.toString(), 2);
    const seeded = await seed(database.db, (line) => console.log(line));
    await database.close();
    database = undefined;
    summaries.push(await measure("PostgreSQL", { DATABASE_URL: url.toString() }, seeded));
  } finally {
    await database?.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

async function onPglite() {
  const dir = mkdtempSync(path.join(tmpdir(), "countersign-bench-public-"));
  let database: Database | undefined;
  try {
    console.log(`\nPGlite: DATA_DIR ${dir}`);
    database = await openPglite({ dataDir: dir });
    const seeded = await seed(database.db, (line) => console.log(line));
    await database.close();
    database = undefined;
    summaries.push(await measure("PGlite", { DATA_DIR: dir }, seeded));
  } finally {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (!args.has("--pglite-only")) await onPostgres();
if (args.has("--pglite") || args.has("--pglite-only")) await onPglite();
console.log("");
for (const s of summaries) console.log(s);
