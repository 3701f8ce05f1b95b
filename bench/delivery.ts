// npm run bench:delivery — a delivery pack of 100,000 names: the time to build it and the peak memory.
//
// Seeds a scratch PostgreSQL database (BENCH_DATABASE_URL or DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres; created and dropped) with ROWS (100000) approved
// names, one in ten in another script (Arabic, Chinese, Japanese, Korean, Cyrillic, Greek,
// Devanagari, Hebrew), plus 1,000 signed without being named. Then it does what the first web
// process's tick does on PostgreSQL: starts the builder process (server/pack-builder.ts, its heap
// capped), which claims the pack, seals a snapshot and writes the PDF into the database. Reports
// the total time, the time sealing the snapshot and writing the PDF, the builder's peak RSS
// (getrusage) and this process's (the web process's part: it only waits), against the targets
// (< 60 s, < 300 MB), with the load average at the start and the end (the machine may be shared).
import { availableParallelism, loadavg } from "node:os";
import { sql } from "kysely";
import pg from "pg";
import { openPostgres } from "../db/client";
import { migrateToLatest } from "../db/migrator";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion } from "../app/domain/letter/letter.server";
import { addUser } from "../app/domain/auth/users.server";
import { listPacks, requestPack } from "../app/domain/delivery/packs.server";
import { buildPackInChild } from "../server/pack-builder";
import { SCRIPT_NAMES } from "../tests/support/delivery";

const ROWS = Number(process.env.ROWS ?? 100_000);
const TARGET_SECONDS = 60;
const TARGET_MB = 300;
const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const load = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(", ");
const loadAtStart = load();

const name = `cs_bench_delivery_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
try {
  const database = openPostgres(url.toString(), 2);
  const db = database.db;
  await migrateToLatest(db);
  const letter = await registerLetterVersion(db, CURRENT_LETTER.slug, await readLetterFile());
  const seeding = performance.now();
  const others = Object.values(SCRIPT_NAMES).flatMap(({ first, last }) => first.flatMap((f) => last.map((l) => `${f} ${l}`)));
  await sql`
    insert into signatures (letter_id, letter_version_id, kind, state, display_name, name_key, search_key, role, country,
                            email, email_normalized, email_domain, ip_hash, consent_public, attested, named, confirmed_at, approved_at)
    select ${letter.letterId}, ${letter.versionId}, 'artist', 'approved', n.name, 'bench' || g, lower(n.name),
           'musician', (array['GB','US','DE','FR','BR','EG','JP','IN'])[1 + g % 8],
           'bench' || g || '@private-mail.test', 'bench' || g || '@private-mail.test', 'private-mail.test', md5(g::text), g % 100 <> 0, true,
           g % 100 <> 0, now() - interval '40 days', now() - make_interval(secs => g::double precision)
    from generate_series(1, ${ROWS + ROWS / 100}) as g,
         lateral (select case when g % 10 = 0 then (${others}::text[])[1 + (g / 10) % ${others.length}] || ' ' || g
                              else 'Bench Signer ' || g end as name) as n`.execute(db);
  await sql`analyze signatures`.execute(db);
  console.log(
    `seeded ${ROWS.toLocaleString("en-GB")} listed names and ${(ROWS / 100).toLocaleString("en-GB")} unnamed in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
  );
  const user = await addUser(db, `bench.${Date.now()}@countersign.test`, "admin");
  await requestPack(db, letter.letterId, user.id);

  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 200);
  const started = performance.now();
  const report = await buildPackInChild({ databaseUrl: url.toString(), siteUrl: "https://letters.example.org" });
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const [pack] = await listPacks(db, letter.letterId);
  await database.close();

  const ok = (pass: boolean) => (pass ? "OK" : "OVER");
  const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
  console.log(`pack: ${report.made?.outcome}, ${pack!.rowsDone.toLocaleString("en-GB")} names, ${(pack!.byteSize! / 1e6).toFixed(1)} MB`);
  console.log(`total time (builder process started to ended): ${seconds.toFixed(1)} s  (target < ${TARGET_SECONDS} s: ${ok(seconds < TARGET_SECONDS)})`);
  console.log(`  sealing the snapshot: ${(report.timings.snapshotMs / 1000).toFixed(1)} s`);
  console.log(`  writing the PDF into the database: ${(report.timings.pdfMs / 1000).toFixed(1)} s`);
  console.log(`peak RSS of the builder process: ${report.peakRssMb.toFixed(0)} MB  (target < ${TARGET_MB} MB: ${ok(report.peakRssMb < TARGET_MB)})`);
  console.log(`RSS of the process that started it (the web process's part): ${mb(rssBefore)} MB before, ${mb(rssPeak)} MB at most while it built`);
  console.log(`load average (1, 5, 15 min): ${loadAtStart} at the start, ${load()} at the end (${availableParallelism()} cores)`);
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
