import type { Db } from "../../../db/client";
import type { Env } from "../../utils/env.server";
import type { Logger } from "../../utils/logger.server";
import { devMailboxEnabled } from "./dev-mailbox.server";
import { createDevMailboxTransport, createResendTransport, type EmailTransport } from "./transport.server";
import { createOutboxWorker, defaultWorkerOptions, type OutboxWorker, type WorkerOptions } from "./worker.server";

/** Resend when RESEND_API_KEY is set; otherwise the dev mailbox (never in production: env.server.ts refuses it). */
export function transportFor(env: Env, db: Db, log: Logger): EmailTransport {
  return env.RESEND_API_KEY
    ? createResendTransport(env.RESEND_API_KEY, env.RESEND_BASE_URL, env.OUTBOX_SEND_TIMEOUT_SECONDS * 1000)
    : createDevMailboxTransport(db, log, devMailboxEnabled(env) ? env.APP_URL : undefined);
}

export function workerOptionsFor(env: Env): WorkerOptions {
  return {
    ...defaultWorkerOptions,
    from: env.MAIL_FROM,
    appUrl: env.APP_URL,
    ratePerSecond: env.EMAIL_RATE_LIMIT,
    batchSize: env.OUTBOX_BATCH_SIZE,
    maxAttempts: env.OUTBOX_MAX_ATTEMPTS,
    claimMs: env.OUTBOX_CLAIM_SECONDS * 1000,
    concurrency: env.OUTBOX_CONCURRENCY,
    baseBackoffMs: env.OUTBOX_BACKOFF_SECONDS * 1000,
    maxBackoffMs: env.OUTBOX_BACKOFF_MAX_SECONDS * 1000,
  };
}

export function workerFor(env: Env, db: Db, log: Logger): OutboxWorker {
  return createOutboxWorker(db, transportFor(env, db, log), log, workerOptionsFor(env));
}
