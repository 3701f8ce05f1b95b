import pino from "pino";
import type { Db } from "../../db/client";
import { createResendTransport } from "../../app/domain/outbox/transport.server";
import { createOutboxWorker, defaultWorkerOptions, type OutboxWorker, type WorkerOptions } from "../../app/domain/outbox/worker.server";
import { enqueue } from "../../app/domain/outbox/enqueue.server";
import type { ResendStandin } from "./resend-standin";

export const silentLog = pino({ level: "silent" });

export const testWorkerOptions: WorkerOptions = {
  ...defaultWorkerOptions,
  from: "Countersign <letters@countersign.test>",
  appUrl: "http://letters.test",
  ratePerSecond: 1000,
  pollMs: 20,
  baseBackoffMs: 40,
  maxBackoffMs: 200,
};

export function standinWorker(db: Db, standin: ResendStandin, options: Partial<WorkerOptions> = {}): OutboxWorker {
  return createOutboxWorker(db, createResendTransport("re_test_key", standin.url), silentLog, { ...testWorkerOptions, ...options });
}

let sequence = 0;

/** The token enqueueConfirmations puts in the email to the address of the given index. */
export function confirmationToken(run: string, index: number): string {
  return `tok${run}x${index}`.padEnd(24, "0");
}

/** The run id inside an address made by enqueueConfirmations. */
export function runOf(address: string): { run: string; index: number } {
  const m = /^[a-z]+-([a-z0-9]+)-(\d+)@/.exec(address);
  if (!m) throw new Error(`not a test address: ${address}`);
  return { run: m[1]!, index: Number(m[2]) };
}
/** Queues `n` confirmation emails to distinct addresses; returns the addresses. */
export async function enqueueConfirmations(db: Db, n: number, prefix = "artist"): Promise<string[]> {
  const run = `${Date.now().toString(36)}${(sequence++).toString(36)}`;
  const addresses = Array.from({ length: n }, (_, i) => `${prefix}-${run}-${i}@example.org`);
  for (let i = 0; i < addresses.length; i += 500) {
    await db.transaction().execute(async (trx) => {
      for (const [j, to] of addresses.slice(i, i + 500).entries()) {
        await enqueue(trx, "confirm-signature", to, {
          displayName: "Test Artist",
          letterTitle: "Stop running ICE recruitment ads on Spotify",
          token: confirmationToken(run, i + j),
          code: "ABCD2345",
          expiresAt: "2026-12-05T12:00:00.000Z",
        });
      }
    });
  }
  return addresses;
}

/** Drains, waiting out retries, until no email is queued or in a pending batch (or the time is up). */
export async function drainUntilSettled(db: Db, worker: OutboxWorker, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await worker.drain();
    const open = await db
      .selectFrom("email_outbox")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("state", "in", ["queued", "batched"])
      .executeTakeFirstOrThrow();
    if (Number(open.n) === 0) return;
    if (Date.now() > deadline) throw new Error(`outbox not settled: ${open.n} emails still open`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
