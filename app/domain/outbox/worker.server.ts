import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { Logger } from "../../utils/logger.server";
import { isSignInRequest, issueSignIn } from "../auth/login.server";
import { pushBack, reserveSlot } from "./rate-limit.server";
import { TemplateError, renderEmail } from "./render.server";
import { BATCH_STATES, OUTBOX_STATES, type BatchState } from "./states";
import type { EmailTransport, OutgoingEmail, SendResult } from "./transport.server";

export interface WorkerOptions {
  from: string;
  appUrl: string;
  /** Requests per second to the provider, shared by every worker (Resend's default is 5). */
  ratePerSecond: number;
  /** Emails per request, at most 100 (the provider's batch limit). */
  batchSize: number;
  /** Tries before a batch is dead-lettered. */
  maxAttempts: number;
  /** How long a claim lasts: a worker that dies holding one is replaced after this. */
  claimMs: number;
  /** How often an idle worker looks for work. */
  pollMs: number;
  /** Batches one worker sends at once. */
  concurrency: number;
  /** First retry delay; doubled each try, with jitter, up to maxBackoffMs. */
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export const defaultWorkerOptions = {
  ratePerSecond: 5,
  batchSize: 100,
  maxAttempts: 8,
  claimMs: 60_000,
  pollMs: 500,
  concurrency: 2,
  baseBackoffMs: 2_000,
  maxBackoffMs: 15 * 60_000,
} satisfies Partial<WorkerOptions>;

const RATE_LIMIT_NAME = "email-provider";

/** How late a request may leave after its reserved turn before it takes a new one. */
const LATE_MS = 40;

interface ClaimedRow {
  id: string;
  template: string;
  to_address: string;
  props: unknown;
  idempotency_key: string;
  /** The language the email is written in (the signer's, recorded when it was queued). */
  language: string;
}

export interface Claim {
  batchId: string;
  attempts: number;
  rows: ClaimedRow[];
}

/**
 * Claims work for `workerId`: first a batch whose retry is due or whose claim expired (its worker
 * died), else a new batch made of up to `batchSize` queued emails. Rows and batches are locked with
 * FOR UPDATE SKIP LOCKED, so concurrent workers never take the same email. Addresses on the
 * suppression list are marked `suppressed` instead of joining a batch. A sign-in request gets its
 * link and code here, or is `dropped` (its address redacted) when the address has no active account.
 */
export async function claimBatch(db: Db, workerId: string, opts: Pick<WorkerOptions, "batchSize" | "claimMs">): Promise<Claim | undefined> {
  return db.transaction().execute(async (trx) => {
    const claimUntil = sql<Date>`clock_timestamp() + make_interval(secs => ${opts.claimMs / 1000})`;
    const again = await trx
      .selectFrom("email_batches")
      .select(["id"])
      .where("state", "=", BATCH_STATES.pending)
      .where("next_attempt_at", "<=", sql<Date>`clock_timestamp()`)
      .where((eb) => eb.or([eb("claim_expires_at", "is", null), eb("claim_expires_at", "<", sql<Date>`clock_timestamp()`)]))
      .orderBy("next_attempt_at")
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (again) {
      const batch = await trx
        .updateTable("email_batches")
        .set((eb) => ({ claimed_by: workerId, claim_expires_at: claimUntil, attempts: eb("attempts", "+", 1) }))
        .where("id", "=", again.id)
        .returning(["id", "attempts"])
        .executeTakeFirstOrThrow();
      const rows = await trx
        .selectFrom("email_outbox")
        .select(["id", "template", "to_address", "props", "idempotency_key", "language"])
        .where("batch_id", "=", batch.id)
        .where("state", "=", OUTBOX_STATES.batched)
        .orderBy("id")
        .execute();
      return { batchId: batch.id, attempts: batch.attempts, rows };
    }

    const queued = await trx
      .selectFrom("email_outbox")
      .select(["id", "template", "to_address", "props", "idempotency_key", "language"])
      .where("state", "=", OUTBOX_STATES.queued)
      .orderBy("id")
      .limit(opts.batchSize)
      .forUpdate()
      .skipLocked()
      .execute();
    if (queued.length === 0) return undefined;

    const suppressed = new Set(
      (
        await trx
          .selectFrom("email_suppressions")
          .select("address")
          .where("address", "in", [...new Set(queued.map((r) => r.to_address))])
          .execute()
      ).map((r) => r.address.toLowerCase()),
    );
    const skip = queued.filter((r) => suppressed.has(r.to_address.toLowerCase()));
    const send: ClaimedRow[] = [];
    const dropped: string[] = [];
    for (const row of queued) {
      if (suppressed.has(row.to_address.toLowerCase())) continue;
      if (!isSignInRequest(row.template, row.props)) {
        send.push(row);
        continue;
      }
      const props = await issueSignIn(trx, row.to_address);
      if (!props) {
        dropped.push(row.id);
        continue;
      }
      await trx
        .updateTable("email_outbox")
        .set({ props: JSON.stringify(props) })
        .where("id", "=", row.id)
        .execute();
      send.push({ ...row, props });
    }
    if (dropped.length > 0) {
      await trx
        .updateTable("email_outbox")
        .set((eb) => ({
          state: OUTBOX_STATES.dropped,
          props: null,
          to_address: sql<string>`'dropped-' || ${eb.ref("id")} || '@redacted.invalid'`,
          last_error: "no active account at this address",
        }))
        .where("id", "in", dropped)
        .execute();
    }
    if (skip.length > 0) {
      await trx
        .updateTable("email_outbox")
        .set({ state: OUTBOX_STATES.suppressed, props: null, last_error: "address is on the suppression list" })
        .where(
          "id",
          "in",
          skip.map((r) => r.id),
        )
        .execute();
    }
    if (send.length === 0) return { batchId: "", attempts: 0, rows: [] };

    const batch = await trx
      .insertInto("email_batches")
      .values({ claimed_by: workerId, claim_expires_at: claimUntil, attempts: 1 })
      .returning(["id", "attempts"])
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("email_outbox")
      .set({ state: OUTBOX_STATES.batched, batch_id: batch.id })
      .where(
        "id",
        "in",
        send.map((r) => r.id),
      )
      .execute();
    return { batchId: batch.id, attempts: batch.attempts, rows: send };
  });
}

/** The idempotency key of a request: the row's own for a single email, the batch's for several. */
export function requestKey(claim: Claim): string {
  return claim.rows.length === 1 ? claim.rows[0]!.idempotency_key : `batch-${claim.batchId}`;
}

export function backoffMs(attempt: number, opts: Pick<WorkerOptions, "baseBackoffMs" | "maxBackoffMs">, random = Math.random): number {
  const exp = Math.min(opts.maxBackoffMs, opts.baseBackoffMs * 2 ** Math.max(0, attempt - 1));
  // "Equal jitter": half fixed, half random, so retries from many workers spread out.
  return Math.round(exp / 2 + random() * (exp / 2));
}

export interface OutboxWorker {
  readonly id: string;
  /** Claims and sends until nothing is due; returns how many emails it handled. For tests and scripts. */
  drain(): Promise<number>;
  /** Runs until stop(): polls when idle. */
  start(): void;
  /** Stops claiming; waits for the batches in hand. Unsent claims expire and are retried by others. */
  stop(): Promise<void>;
}

export function createOutboxWorker(db: Db, transport: EmailTransport, log: Logger, options: WorkerOptions): OutboxWorker {
  const id = `worker-${randomUUID().slice(0, 8)}`;
  let running = false;
  const loops: Promise<void>[] = [];
  let wake: (() => void) | undefined;

  async function processOne(): Promise<number | undefined> {
    const claim = await claimBatch(db, id, options);
    if (!claim) return undefined;
    if (claim.rows.length === 0) return 0; // all suppressed
    return sendClaim(claim);
  }

  async function sendClaim(claim: Claim): Promise<number> {
    const emails: OutgoingEmail[] = [];
    const sendable: ClaimedRow[] = [];
    for (const row of claim.rows) {
      try {
        const rendered = await renderEmail(row.template, row.props, options.appUrl, row.language);
        emails.push({ from: options.from, to: row.to_address, ...rendered, outboxId: row.id });
        sendable.push(row);
      } catch (error) {
        // A template that cannot render never will: dead-letter that email, send the rest.
        const reason = error instanceof TemplateError ? error.message : `render failed: ${(error as Error).message}`;
        await markRowsDead(db, [row.id], reason);
        log.error({ outboxId: row.id, template: row.template, reason }, "email dead-lettered");
      }
    }
    if (sendable.length === 0) {
      await finishBatch(db, claim.batchId, BATCH_STATES.dead, "nothing renderable");
      return claim.rows.length;
    }
    const key = requestKey({ ...claim, rows: sendable });

    if (transport.rateLimited) await waitForSlot();
    let result: SendResult;
    try {
      result = await transport.send(emails, key);
    } catch (error) {
      result = { ok: false, kind: "retryable", reason: `transport threw: ${(error as Error).message}` };
    }
    await record(claim, sendable, result);
    return claim.rows.length;
  }

  /**
   * Waits for this process's turn under the shared limit. A turn missed by more than LATE_MS (a
   * slow reservation query, a busy event loop) is given up and a new one reserved: leaving late
   * would crowd the requests behind it into one second.
   */
  async function waitForSlot(): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const asked = Date.now();
      const waitMs = await reserveSlot(db, RATE_LIMIT_NAME, options.ratePerSecond);
      if (waitMs > 0) await sleep(waitMs);
      // Our turn began no earlier than waitMs after we asked: measure how late we are against that.
      if (Date.now() - (asked + waitMs) <= LATE_MS) return;
    }
  }

  async function record(claim: Claim, rows: ClaimedRow[], result: SendResult): Promise<void> {
    if (result.ok) {
      await db.transaction().execute(async (trx) => {
        await finishBatch(trx, claim.batchId, BATCH_STATES.sent, null);
        // One statement for the whole batch: each row gets its provider id from a VALUES list.
        const values = rows.map((r, i) => sql`(${r.id}::bigint, ${result.ids[i]!}::text)`);
        await sql`
          update email_outbox o set state = ${OUTBOX_STATES.sent}, provider_message_id = v.pid,
            sent_at = now(), props = null, last_error = null, delivery_status = coalesce(o.delivery_status, 'sent')
          from (values ${sql.join(values)}) as v(id, pid)
          where o.id = v.id`.execute(trx);
      });
      return;
    }
    if (result.kind === "rate_limited") {
      await pushBack(db, RATE_LIMIT_NAME, result.retryAfterMs);
      // Waiting out a 429 is not a failed try.
      await db
        .updateTable("email_batches")
        .set((eb) => ({
          attempts: eb("attempts", "-", 1),
          claim_expires_at: null,
          last_error: result.reason,
          next_attempt_at: sql<Date>`clock_timestamp() + make_interval(secs => ${result.retryAfterMs / 1000})`,
        }))
        .where("id", "=", claim.batchId)
        .execute();
      log.warn({ batch: claim.batchId, retryAfterMs: result.retryAfterMs }, "provider rate limit: waiting");
      return;
    }
    if (result.kind === "retryable" && claim.attempts < options.maxAttempts) {
      const delay = backoffMs(claim.attempts, options);
      await db
        .updateTable("email_batches")
        .set({
          claim_expires_at: null,
          last_error: result.reason,
          next_attempt_at: sql<Date>`clock_timestamp() + make_interval(secs => ${delay / 1000})`,
        })
        .where("id", "=", claim.batchId)
        .execute();
      log.warn({ batch: claim.batchId, attempt: claim.attempts, retryInMs: delay, reason: result.reason }, "send failed: will retry");
      return;
    }
    const reason = result.kind === "retryable" ? `gave up after ${claim.attempts} tries: ${result.reason}` : result.reason;
    await db.transaction().execute(async (trx) => {
      await finishBatch(trx, claim.batchId, BATCH_STATES.dead, reason);
      await markRowsDead(
        trx,
        rows.map((r) => r.id),
        reason,
      );
    });
    log.error({ batch: claim.batchId, emails: rows.length, reason }, "emails dead-lettered");
  }

  async function drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const n = await processOne();
      if (n === undefined) return handled;
      handled += n;
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      try {
        const n = await processOne();
        if (n !== undefined) continue;
      } catch (error) {
        log.error({ err: error }, "outbox worker error");
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return {
    id,
    drain,
    start() {
      if (running) return;
      running = true;
      for (let i = 0; i < options.concurrency; i++) loops.push(loop());
      log.info({ worker: id, transport: transport.name, concurrency: options.concurrency }, "outbox worker started");
    },
    async stop() {
      running = false;
      wake?.();
      await Promise.all(loops.splice(0));
      log.info({ worker: id }, "outbox worker stopped");
    },
  };
}

async function finishBatch(db: Db, batchId: string, state: BatchState, error: string | null) {
  await db.updateTable("email_batches").set({ state, finished_at: new Date(), claim_expires_at: null, last_error: error }).where("id", "=", batchId).execute();
}

async function markRowsDead(db: Db, ids: string[], reason: string) {
  await db.updateTable("email_outbox").set({ state: OUTBOX_STATES.dead, dead_at: new Date(), last_error: reason }).where("id", "in", ids).execute();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
