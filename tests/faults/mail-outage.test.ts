import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres } from "../../db/client";
import { OUTAGE_SECONDS, WEB_ENV, accepted, scratchDatabase, signingLoad, sleep, standinEnv } from "../support/faults";
import { spawnServer, type ServerProcess } from "../support/process";
import { startResendStandin, type ResendStandin } from "../support/resend-standin";

/**
 * The mail provider (the Resend stand-in) answers 500, 429 and not at all, in turn, for
 * OUTAGE_SECONDS while artists sign. Signing goes on; /healthz shows the queue growing old; once
 * the provider is back every email is delivered, and none twice.
 */
let standin: ResendStandin;
let database: { url: string; drop(): Promise<void> };
let server: ServerProcess;

beforeAll(async () => {
  standin = await startResendStandin({ apiKey: "re_test_key" });
  database = await scratchDatabase();
  server = spawnServer({
    ...WEB_ENV,
    ...standinEnv(standin.url),
    DATABASE_URL: database.url,
    // Short retries, so the test waits seconds, not minutes, after the outage; enough tries to outlast it.
    OUTBOX_BACKOFF_SECONDS: "0.25",
    OUTBOX_BACKOFF_MAX_SECONDS: "2",
    OUTBOX_MAX_ATTEMPTS: "1000",
    OUTBOX_SEND_TIMEOUT_SECONDS: "2",
    OUTBOX_BATCH_SIZE: "10",
  });
  await server.listening;
}, 60_000);
afterAll(async () => {
  server?.child.kill("SIGKILL");
  await server?.exited;
  await standin?.close();
  await database?.drop();
});

interface Health {
  status: string;
  outbox: { waiting: number; oldestWaitingSeconds: number };
}

describe("the mail provider failing (500, 429, timeouts) during signing", () => {
  it("delivers every email once it is back, none twice, and /healthz shows the lag meanwhile", async () => {
    const url = await server.listening;
    const outageMs = OUTAGE_SECONDS * 1000;
    const began = Date.now();
    // A hung request is held for 5 minutes: only the worker's own send timeout gets it going again.
    standin.failUntil(began + outageMs, { kind: "500" }, { kind: "429", retryAfterSeconds: 1 }, { kind: "hang", ms: 300_000 });

    // Artists sign through the first 60% of the outage; /healthz is read every second throughout.
    const signing = signingLoad([url], 4, () => Date.now() - began > outageMs * 0.6);
    const health: (Health & { at: number })[] = [];
    while (Date.now() - began < outageMs) {
      const answer = await fetch(`${url}/healthz`);
      expect(answer.status).toBe(200);
      health.push({ ...((await answer.json()) as Health), at: Date.now() - began });
      await sleep(1_000);
    }
    const submissions = await signing;
    const signed = submissions.filter(accepted).map((s) => s.email);
    // A mail outage does not stop signing.
    expect(signed.length).toBe(submissions.length);
    expect(signed.length).toBeGreaterThan(20);

    // Back: every signer's email arrives, within 30 s.
    const backAt = Date.now();
    const wanted = new Set(signed);
    const delivered = () => new Set(standin.emails.map((e) => e.to[0]!).filter((to) => wanted.has(to))).size;
    while (delivered() < wanted.size && Date.now() - backAt < 30_000) await sleep(100);
    const drainedMs = Date.now() - backAt;
    const after = (await (await fetch(`${url}/healthz`)).json()) as Health;

    const perAddress = new Map<string, number>();
    for (const email of standin.emails) perAddress.set(email.to[0]!, (perAddress.get(email.to[0]!) ?? 0) + 1);
    const faulted = standin.requests.filter((r) => r.fault);
    const figures = {
      outageSeconds: OUTAGE_SECONDS,
      signed: signed.length,
      delivered: delivered(),
      duplicated: [...perAddress.values()].filter((n) => n > 1).length,
      requests: standin.requests.length,
      answered500: faulted.filter((r) => r.fault === "500").length,
      answered429: faulted.filter((r) => r.fault === "429").length,
      timedOut: faulted.filter((r) => r.fault === "hang").length,
      maxLagSeconds: Math.max(...health.map((h) => h.outbox.oldestWaitingSeconds)),
      maxWaiting: Math.max(...health.map((h) => h.outbox.waiting)),
      drainedAfterMs: drainedMs,
    };
    // eslint-disable-next-line no-console -- the figures the README quotes
    console.log("mail outage:", JSON.stringify(figures));

    expect(figures.delivered).toBe(signed.length);
    expect(figures.duplicated).toBe(0);
    expect(standin.emails.length).toBe(signed.length);
    expect(standin.validationErrors).toEqual([]);
    // Each kind of failure happened, and was retried.
    expect(figures.answered500).toBeGreaterThan(0);
    expect(figures.answered429).toBeGreaterThan(0);
    expect(figures.timedOut).toBeGreaterThan(0);
    // /healthz showed the queue waiting and ageing while the provider was away, and empty after.
    expect(figures.maxWaiting).toBeGreaterThan(0);
    expect(figures.maxLagSeconds).toBeGreaterThanOrEqual(Math.floor(OUTAGE_SECONDS * 0.5));
    expect(after.outbox).toEqual({ waiting: 0, oldestWaitingSeconds: 0 });
    expect(server.child.exitCode).toBeNull();

    // The outbox agrees: every email sent, none dead.
    const db = openPostgres(database.url, 1);
    try {
      const states = await db.db.selectFrom("email_outbox").select("state").where("to_address", "in", signed).execute();
      expect(states.length).toBe(signed.length);
      expect(new Set(states.map((r) => r.state))).toEqual(new Set(["sent"]));
    } finally {
      await db.close();
    }
  }, 180_000);
});
