import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, type Database } from "../../db/client";
import { LOAD_SECONDS, WEB_ENV, accepted, privatePostgres, signingLoad, sleep, type PrivatePostgres, type Submission } from "../support/faults";
import { spawnServer, type ServerProcess } from "../support/process";

/**
 * PostgreSQL (a private cluster, never the shared one) is stopped and started again in the middle
 * of a signing load against the real server process. Nothing that was answered "check your inbox"
 * may be lost; while the database is away the answers are quick 503s; the app comes back by itself.
 */
let cluster: PrivatePostgres;
let server: ServerProcess;
let url: string;

beforeAll(async () => {
  cluster = await privatePostgres();
  // The outbox worker is off: every queued email stays in the outbox, where the test counts it.
  server = spawnServer({ ...WEB_ENV, DATABASE_URL: cluster.url, OUTBOX_WORKER: "off", DATABASE_POOL_SIZE: "5" });
  url = await server.listening;
}, 60_000);
afterAll(async () => {
  server?.child.kill("SIGKILL");
  await server?.exited;
  cluster?.close();
});

describe("PostgreSQL restarted during a signing load", () => {
  it("loses no accepted signature, answers 503 quickly while it is away, and recovers within 5 s", async () => {
    const loadMs = LOAD_SECONDS * 1000;
    const began = Date.now();
    const load = signingLoad([url], 8, () => Date.now() - began > loadMs);

    await sleep(loadMs / 3);
    const downAt = Date.now();
    cluster.stop();
    await sleep(3_000);
    // Probe while it is away: /healthz too must answer, and quickly.
    const probeStarted = Date.now();
    const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
    const healthMs = Date.now() - probeStarted;
    expect(health.status).toBe(503);
    cluster.start();
    const backAt = Date.now();
    let recoveredAt = 0;
    while (Date.now() - backAt < 10_000) {
      const answer = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
      if (answer?.status === 200) {
        recoveredAt = Date.now();
        break;
      }
      await sleep(50);
    }
    const results = await load;

    const ok = results.filter(accepted);
    const during = results.filter((s) => s.startedAt >= downAt + 500 && s.startedAt + s.ms <= backAt);
    const unavailable = results.filter((s) => s.status === 503);
    const slowest = Math.max(...results.map((s) => s.ms));
    const firstSignedAfter = ok.filter((s) => s.startedAt >= backAt).sort((a, b) => a.startedAt + a.ms - (b.startedAt + b.ms))[0];
    const figures = {
      submissions: results.length,
      accepted: ok.length,
      answered503: unavailable.length,
      whileDown: during.length,
      slowest503Ms: Math.max(...unavailable.map((s) => s.ms)),
      slowestMs: slowest,
      healthWhileDownMs: healthMs,
      healthRecoveredMs: recoveredAt - backAt,
      firstSignatureAfterMs: firstSignedAfter ? firstSignedAfter.startedAt + firstSignedAfter.ms - backAt : undefined,
    };
    // eslint-disable-next-line no-console -- the figures the README quotes
    console.log("postgres restart:", JSON.stringify(figures));

    // Every answer was either "check your inbox" or a 503 that says when to try again: no 500, no hang.
    const statuses = [...new Set(results.map((s) => s.status))].sort();
    expect(statuses).toEqual([302, 503]);
    expect(ok.every((s) => s.location === "/signed")).toBe(true);
    expect(unavailable.every((s) => s.retryAfter === "5")).toBe(true);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((s) => s.status === 503)).toBe(true);
    expect(figures.slowest503Ms).toBeLessThan(3_000);
    expect(slowest).toBeLessThan(5_000);
    expect(healthMs).toBeLessThan(3_000);
    // The process lived through it and came back within 5 s of PostgreSQL.
    expect(server.child.exitCode).toBeNull();
    expect(recoveredAt).toBeGreaterThan(0);
    expect(figures.healthRecoveredMs).toBeLessThanOrEqual(5_000);
    expect(figures.firstSignatureAfterMs).toBeLessThanOrEqual(5_000);
    expect(ok.filter((s) => s.startedAt < downAt).length).toBeGreaterThan(0);

    await expectEachStoredOnce(ok);
  }, 120_000);
});

/** Each accepted submission is a signature, with exactly one confirmation email in the outbox. */
async function expectEachStoredOnce(ok: Submission[]) {
  const database: Database = openPostgres(cluster.url, 2);
  try {
    const emails = ok.map((s) => s.email);
    const signatures = await database.db.selectFrom("signatures").select("email").where("email", "in", emails).execute();
    const queued = await database.db.selectFrom("email_outbox").select(["to_address", "template"]).where("to_address", "in", emails).execute();
    const stored = new Set(signatures.map((r) => String(r.email)));
    const missing = emails.filter((e) => !stored.has(e)).length;
    const perAddress = new Map<string, number>();
    for (const row of queued) perAddress.set(row.to_address, (perAddress.get(row.to_address) ?? 0) + 1);
    // Counts only: the addresses are not printed.
    expect({
      missing,
      withoutEmail: emails.filter((e) => !perAddress.has(e)).length,
      withTwoOrMore: [...perAddress.values()].filter((n) => n > 1).length,
    }).toEqual({
      missing: 0,
      withoutEmail: 0,
      withTwoOrMore: 0,
    });
    expect(new Set(queued.map((r) => r.template))).toEqual(new Set(["confirm-signature"]));
  } finally {
    await database.close();
  }
}
