// npm run bench:sign-in — does asking for a moderator sign-in take as long for an unknown address
// as for an account? (Issue 15: it took ≈21 ms against ≈17 ms, which told who has an account.)
//
// On a scratch embedded PGlite database (or on DATABASE_URL's PostgreSQL, where the accounts and
// rows it writes are left behind: point it at a scratch database), times requestLogin — the whole work of the request —
// ROUNDS times for each kind, interleaved so drift hits both alike, and prints the medians and the
// difference. Each round uses a fresh address and IP, so no rate limit interferes.
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { requestLogin } from "../app/domain/auth/login.server";
import { addUser } from "../app/domain/auth/users.server";
import { openPglite, openPostgres, type Database } from "../db/client";
import { migrateToLatest } from "../db/migrator";

const ROUNDS = Number(process.env.ROUNDS ?? 300);
const WARMUP = Number(process.env.WARMUP ?? 30);
const ipHashSecret = "bench-ip-hash-secret-0123456789abcdef";

const dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(path.join(tmpdir(), "countersign-bench-signin-"));
const database: Database = process.env.DATABASE_URL ? openPostgres(process.env.DATABASE_URL, 2) : await openPglite({ dataDir: dataDir! });
try {
  await migrateToLatest(database.db);
  const run = Date.now().toString(36);
  const known: string[] = [];
  for (let i = 0; i < ROUNDS + WARMUP; i++) {
    const email = `bench.${run}.${i}@countersign.test`;
    await addUser(database.db, email, "moderator");
    known.push(email);
  }
  const times = { account: [] as number[], unknown: [] as number[] };
  for (let i = 0; i < ROUNDS + WARMUP; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const pairs: [keyof typeof times, string][] = [
      ["account", known[i]!],
      ["unknown", `nobody.${run}.${i}@countersign.test`],
    ];
    if (i % 2) pairs.reverse();
    for (const [kind, email] of pairs) {
      const started = process.hrtime.bigint();
      await requestLogin(database.db, email, { ip, ipHashSecret });
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (i >= WARMUP) times[kind].push(ms);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const a = median(times.account);
  const u = median(times.unknown);
  console.log(`backend ${database.backend}, ${ROUNDS} rounds, load ${loadavg()[0]!.toFixed(1)}`);
  console.log(`requestLogin median: account ${a.toFixed(2)} ms, unknown address ${u.toFixed(2)} ms, difference ${(a - u).toFixed(2)} ms`);
} finally {
  await database.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
