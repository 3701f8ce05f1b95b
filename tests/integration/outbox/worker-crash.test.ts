import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite, type Database } from "../../../db/client";
import { migrateToLatest } from "../../../db/migrator";
import { createTestDatabase, pgliteTemplate } from "../../support/db";
import { enqueueConfirmations } from "../../support/outbox";
import { spawnNode, type ServerProcess } from "../../support/process";
import { startResendStandin, type ResendStandin } from "../../support/resend-standin";

/**
 * A real worker process is killed (SIGKILL) after the provider accepted its request and before it
 * could record that. Its claim expires; a new worker process sends the same request with the same
 * idempotency key, and the provider (the stand-in, like Resend) creates nothing twice.
 * On PostgreSQL the processes share the test database; on PGlite they take turns on one DATA_DIR.
 */
const onPostgres = Boolean(process.env.DATABASE_URL);
let standin: ResendStandin;
let dataDir: string | undefined;
let databaseUrl: string | undefined;
let closeDatabase: () => Promise<void> = async () => {};

beforeAll(async () => {
  standin = await startResendStandin({ apiKey: "re_test_key" });
});
afterAll(async () => {
  await standin?.close();
  await closeDatabase();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function withDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  if (onPostgres) {
    const database = await createTestDatabase();
    databaseUrl = database.url;
    closeDatabase = () => database.close();
    return fn(database);
  }
  dataDir = mkdtempSync(path.join(tmpdir(), "countersign-crash-"));
  const database = await openPglite({ dataDir, loadDataDir: pgliteTemplate() });
  try {
    await migrateToLatest(database.db);
    return await fn(database);
  } finally {
    await database.close(); // the worker processes need the folder to themselves
  }
}

async function reopen<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  if (onPostgres) {
    const { openPostgres } = await import("../../../db/client");
    const database = openPostgres(databaseUrl!, 2);
    try {
      return await fn(database);
    } finally {
      await database.close();
    }
  }
  const database = await openPglite({ dataDir });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

function startWorker(): ServerProcess {
  return spawnNode("server/worker.ts", {
    ...(onPostgres ? { DATABASE_URL: databaseUrl! } : { DATA_DIR: dataDir! }),
    RESEND_API_KEY: "re_test_key",
    RESEND_BASE_URL: standin.url,
    OUTBOX_CLAIM_SECONDS: "2",
    EMAIL_RATE_LIMIT: "50",
    LOG_LEVEL: "info",
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("a worker killed between sending and marking", () => {
  it("is replaced by one that repeats the same request with the same key, and no email is doubled", async () => {
    const addresses = await withDatabase((database) => enqueueConfirmations(database.db, 3, "crash"));

    // The provider takes 1.5 s to answer: long enough to kill the worker while it waits.
    standin.latencyMs = 1500;
    const first = startWorker();
    await until("the first request", () => standin.requests.length === 1);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    await until("the provider to accept it", () => standin.emails.length === 3);

    standin.latencyMs = 0;
    const second = startWorker();
    await until("the repeated request", () => standin.requests.length === 2 && standin.requests[1]!.status === 200, 40_000);
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    const [original, repeated] = standin.requests;
    expect(repeated!.idempotencyKey).toBe(original!.idempotencyKey);
    expect(repeated!.path).toBe("/emails/batch");
    expect(standin.emails).toHaveLength(3);
    expect(standin.emails.map((e) => e.to[0]).sort()).toEqual([...addresses].sort());

    const rows = await reopen((database) => database.db.selectFrom("email_outbox").select(["state", "provider_message_id"]).orderBy("id").execute());
    expect(rows.map((r) => r.state)).toEqual(["sent", "sent", "sent"]);
    expect(rows.map((r) => r.provider_message_id).sort()).toEqual(standin.emails.map((e) => e.id).sort());
  }, 120_000);
});
