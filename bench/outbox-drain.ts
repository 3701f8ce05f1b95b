// npm run bench:outbox — 10,000 emails through two worker processes against the Resend stand-in,
// one worker killed (SIGKILL) half-way. Prints the drain rate as a share of the rate limit and
// checks that every email reached the provider exactly once.
//
// Needs PostgreSQL (two processes share the queue): BENCH_DATABASE_URL or DATABASE_URL, default
// postgres://postgres@127.0.0.1:5432/postgres; a scratch database is created and dropped.
// EMAILS (10000), EMAIL_RATE_LIMIT (5), CLAIM_SECONDS (5) may be set.
import pg from "pg";
import { openPostgres } from "../db/client";
import { migrateToLatest } from "../db/migrator";
import { enqueueConfirmations } from "../tests/support/outbox";
import { spawnNode } from "../tests/support/process";
import { startResendStandin } from "../tests/support/resend-standin";

const EMAILS = Number(process.env.EMAILS ?? 10_000);
const RATE = Number(process.env.EMAIL_RATE_LIMIT ?? 5);
const CLAIM_SECONDS = Number(process.env.CLAIM_SECONDS ?? 5);
const base = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const name = `cs_bench_outbox_${process.pid}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database ${name}`);
const url = new URL(base);
url.pathname = `/${name}`;
const database = openPostgres(url.toString(), 4);
const standin = await startResendStandin({ apiKey: "re_bench_key" });

try {
  await migrateToLatest(database.db);
  let t = performance.now();
  const addresses = await enqueueConfirmations(database.db, EMAILS, "bench");
  console.log(`enqueued ${EMAILS} emails in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const env = {
    DATABASE_URL: url.toString(),
    RESEND_API_KEY: "re_bench_key",
    RESEND_BASE_URL: standin.url,
    EMAIL_RATE_LIMIT: String(RATE),
    OUTBOX_CLAIM_SECONDS: String(CLAIM_SECONDS),
    LOG_LEVEL: "warn",
  };
  t = performance.now();
  const a = spawnNode("server/worker.ts", env);
  const b = spawnNode("server/worker.ts", env);
  let killedAt: number | undefined;
  for (;;) {
    if (killedAt === undefined && standin.emails.length >= EMAILS / 2) {
      a.child.kill("SIGKILL");
      killedAt = performance.now() - t;
      console.log(`killed worker A (SIGKILL) after ${standin.emails.length} emails, at ${(killedAt / 1000).toFixed(1)} s`);
    }
    const open = await database.db
      .selectFrom("email_outbox")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("state", "in", ["queued", "batched"])
      .executeTakeFirstOrThrow();
    if (Number(open.n) === 0) break;
    if (performance.now() - t > 600_000) throw new Error(`not drained after 10 minutes: ${open.n} open`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - t) / 1000;
  b.child.kill("SIGTERM");
  await Promise.all([a.exited, b.exited]);

  const sends = standin.requests.filter((r) => r.status === 200);
  const first = Math.min(...standin.requests.map((r) => r.at));
  const last = Math.max(...standin.requests.map((r) => r.at));
  const activeSeconds = (last - first) / 1000;
  const recipients = new Set(standin.emails.flatMap((e) => e.to));
  const states = await database.db
    .selectFrom("email_outbox")
    .select(["state", (eb) => eb.fn.countAll<string>().as("n")])
    .groupBy("state")
    .execute();

  console.log(`drained ${EMAILS} emails in ${seconds.toFixed(1)} s: ${(EMAILS / seconds).toFixed(0)} emails/s`);
  console.log(
    `provider requests: ${standin.requests.length} (${sends.length} accepted, ${standin.requests.length - sends.length} refused or replayed), ` +
      `${(standin.requests.length / activeSeconds).toFixed(2)} requests/s over ${activeSeconds.toFixed(1)} s = ` +
      `${((100 * standin.requests.length) / activeSeconds / RATE).toFixed(0)}% of the ${RATE}/s limit`,
  );
  console.log(`time lost to the killed worker's claims expiring: up to ${CLAIM_SECONDS} s`);
  console.log(
    `provider created ${standin.emails.length} emails for ${recipients.size} distinct recipients ` +
      `(expected ${EMAILS}); outbox: ${states.map((s) => `${s.state} ${s.n}`).join(", ")}`,
  );
  const replays = standin.requests.length - new Set(standin.requests.map((r) => r.idempotencyKey)).size;
  console.log(`requests repeated under the same idempotency key: ${replays}; schema violations: ${standin.validationErrors.length}`);
  const ok = standin.emails.length === EMAILS && recipients.size === EMAILS && addresses.every((x) => recipients.has(x));
  console.log(ok ? "exactly once: yes" : "exactly once: NO");
  if (!ok) process.exitCode = 1;
} finally {
  await standin.close();
  await database.close();
  await admin.query(`drop database ${name} with (force)`);
  await admin.end();
}
