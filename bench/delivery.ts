// npm run bench:delivery — a delivery pack of 100,000 names: the time to build it and the peak memory.
//
// Seeds a scratch PostgreSQL database (BENCH_DATABASE_URL or DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres; created and dropped) with ROWS (100000) approved
// names, one in ten in another script (Arabic, Chinese, Japanese, Korean, Cyrillic, Greek,
// Devanagari, Hebrew), plus 1,000 signed without being named. Then a fresh Node process does what
// the first web process's tick does (claim the pack, seal a snapshot, write the PDF into the
// database) and reports its wall time and peak RSS (getrusage), against the targets: < 60 s, < 300 MB.
import { execFileSync } from "node:child_process";
import { sql } from "kysely";
import pg from "pg";
import { openPostgres } from "../db/client";
import { migrateToLatest } from "../db/migrator";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion } from "../app/domain/letter/letter.server";
import { addUser } from "../app/domain/auth/users.server";
import { listPacks, requestPack, runNextPack } from "../app/domain/delivery/packs.server";
import { SCRIPT_NAMES } from "../tests/support/delivery";

const ROWS = Number(process.env.ROWS ?? 100_000);
const TARGET_SECONDS = 60;
const TARGET_MB = 300;
const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

if (process.argv[2] === "--build") {
  // The child: one pack, as the background tick makes it.
  const database = openPostgres(process.argv[3]!, 2);
  const started = performance.now();
  const made = await runNextPack(database.db, "https://letters.example.org");
  const seconds = (performance.now() - started) / 1000;
  const [pack] = await listPacks(database.db, Number(process.argv[4]));
  await database.close();
  process.stdout.write(
    JSON.stringify({ outcome: made?.outcome, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, bytes: pack?.byteSize, names: pack?.rowsDone }),
  );
  process.exit(0);
}

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
  await database.close();

  const out = execFileSync(process.execPath, ["--import", "tsx", "bench/delivery.ts", "--build", url.toString(), String(letter.letterId)], {
    encoding: "utf8",
  });
  const r = JSON.parse(out) as { outcome: string; seconds: number; peakRssMb: number; bytes: number; names: number };
  const ok = (pass: boolean) => (pass ? "OK" : "OVER");
  console.log(`pack: ${r.outcome}, ${r.names.toLocaleString("en-GB")} names, ${(r.bytes / 1e6).toFixed(1)} MB`);
  console.log(`time to build (snapshot + PDF): ${r.seconds.toFixed(1)} s  (target < ${TARGET_SECONDS} s: ${ok(r.seconds < TARGET_SECONDS)})`);
  console.log(`peak RSS of the building process: ${r.peakRssMb.toFixed(0)} MB  (target < ${TARGET_MB} MB: ${ok(r.peakRssMb < TARGET_MB)})`);
} finally {
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}
