import { Resend } from "resend";
import type { Db } from "../../../db/client";
import type { Logger } from "../../utils/logger.server";

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The outbox row, for the dev mailbox's records. */
  outboxId: string;
}

export type SendResult =
  | { ok: true; ids: string[] }
  /** 429: wait `retryAfterMs`, then send the same request again. */
  | { ok: false; kind: "rate_limited"; retryAfterMs: number; reason: string }
  /** 5xx, network, a concurrent idempotent request: back off and send the same request again. */
  | { ok: false; kind: "retryable"; reason: string }
  /** Any other 4xx: the same request will never succeed. */
  | { ok: false; kind: "permanent"; reason: string };

/** Sends one request: a single email, or a batch (≤ 100) with one idempotency key. */
export interface EmailTransport {
  readonly name: string;
  /** Whether requests count against the provider's rate limit. */
  readonly rateLimited: boolean;
  send(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendResult>;
}

const DEFAULT_RETRY_AFTER_MS = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * `timeoutMs`: a request with no answer by then is given up and retried later (same idempotency
 * key); without it a provider that hangs would hold a worker's loop for as long as the socket lives.
 */
export function createResendTransport(apiKey: string, baseUrl?: string, timeoutMs = DEFAULT_TIMEOUT_MS): EmailTransport {
  const resend = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  return {
    name: "resend",
    rateLimited: true,
    async send(emails, idempotencyKey) {
      const payload = emails.map(({ from, to, subject, html, text }) => ({ from, to: [to], subject, html, text }));
      // The SDK never throws: every outcome, network failure included, comes back as { data, error, headers }.
      // A timed-out request comes back like a network failure (statusCode null): retryable.
      const options = { idempotencyKey, signal: AbortSignal.timeout(timeoutMs) };
      const result = payload.length === 1 ? await resend.emails.send(payload[0]!, options) : await resend.batch.send(payload, options);
      if (result.error === null) {
        const data = result.data as { id: string } | { data: { id: string }[] };
        const ids = "data" in data ? data.data.map((d) => d.id) : [data.id];
        if (ids.length !== emails.length) return { ok: false, kind: "retryable", reason: `provider returned ${ids.length} ids for ${emails.length} emails` };
        return { ok: true, ids };
      }
      const { statusCode, name, message } = result.error;
      const reason = `${statusCode ?? "network"} ${name}: ${message}`.slice(0, 500);
      if (statusCode === 429) {
        const seconds = Number(result.headers?.["retry-after"]);
        return {
          ok: false,
          kind: "rate_limited",
          retryAfterMs: Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_RETRY_AFTER_MS,
          reason,
        };
      }
      if (statusCode === null || statusCode >= 500 || name === "concurrent_idempotent_requests") {
        return { ok: false, kind: "retryable", reason };
      }
      return { ok: false, kind: "permanent", reason };
    },
  };
}

/**
 * With no RESEND_API_KEY: every email lands in the dev_mailbox table, readable at /dev/mailbox
 * (when it is served: see devMailboxEnabled). Each email is logged on one line with its mailbox
 * URL — never its links, subject or address: they carry tokens and codes, and logs travel further
 * than the mailbox does. Idempotent by key, like the provider.
 */
export function createDevMailboxTransport(db: Db, log: Logger, mailboxUrl?: string): EmailTransport {
  return {
    name: "dev-mailbox",
    rateLimited: false,
    async send(emails, idempotencyKey) {
      const rows = await db
        .insertInto("dev_mailbox")
        .values(
          emails.map((e, i) => ({
            outbox_id: e.outboxId,
            to_address: e.to,
            from_address: e.from,
            subject: e.subject,
            html: e.html,
            text: e.text,
            idempotency_key: `${idempotencyKey}#${i}`,
          })),
        )
        .onConflict((oc) => oc.column("idempotency_key").doUpdateSet((eb) => ({ subject: eb.ref("excluded.subject") })))
        .returning(["id", "idempotency_key"])
        .execute();
      const ids = rows.sort((a, b) => order(a.idempotency_key) - order(b.idempotency_key)).map((r) => `dev-${r.id}`);
      for (const row of rows) {
        const url = mailboxUrl ? `${mailboxUrl}/dev/mailbox/${row.id}` : undefined;
        log.info({ mailbox: `dev-${row.id}`, url, served: mailboxUrl !== undefined }, "email waiting in the dev mailbox");
      }
      return { ok: true, ids };
    },
  };
}

function order(key: string): number {
  return Number(key.slice(key.lastIndexOf("#") + 1));
}
