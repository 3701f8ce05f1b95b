import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { enqueue } from "../../../app/domain/outbox/enqueue.server";
import { outboxStatus, retryDeadLetters } from "../../../app/domain/outbox/status.server";
import { suppressAddress } from "../../../app/domain/outbox/suppression.server";
import { backoffMs } from "../../../app/domain/outbox/worker.server";
import { setupTestDatabase } from "../../support/db";
import { confirmationToken, drainUntilSettled, enqueueConfirmations, runOf, standinWorker } from "../../support/outbox";
import { startResendStandin, type ResendStandin } from "../../support/resend-standin";

const t = setupTestDatabase();
let standin: ResendStandin;

beforeAll(async () => {
  standin = await startResendStandin({ apiKey: "re_test_key" });
});
afterAll(async () => {
  await standin?.close();
});
beforeEach(async () => {
  standin.reset();
  await t.db.deleteFrom("email_outbox").execute();
  await t.db.deleteFrom("email_batches").execute();
  await t.db.deleteFrom("rate_limiter_slots").execute();
});

async function rows(addresses?: string[]) {
  return t.db
    .selectFrom("email_outbox")
    .selectAll()
    .$if(addresses !== undefined, (qb) => qb.where("to_address", "in", addresses!))
    .orderBy("id")
    .execute();
}

describe("enqueue", () => {
  it("writes nothing, and so sends nothing, when the change that caused it rolls back", async () => {
    await expect(
      t.db.transaction().execute(async (trx) => {
        await enqueue(trx, "signed-again", "rollback@example.org", { letterTitle: "A letter", manageToken: null });
        throw new Error("the signature insert failed");
      }),
    ).rejects.toThrow("the signature insert failed");
    expect(await rows()).toHaveLength(0);
    await standinWorker(t.db, standin).drain();
    expect(standin.requests).toHaveLength(0);
  });

  it("refuses props its template does not accept, in the request that made them", async () => {
    await expect(
      // @ts-expect-error: a missing prop is a type error too
      enqueue(t.db, "confirm-signature", "bad@example.org", { displayName: "X" }),
    ).rejects.toThrow(/bad props/);
    expect(await rows()).toHaveLength(0);
  });
});

describe("the worker", () => {
  it("sends a lone email with the single endpoint, keyed by its outbox row, and forgets its token", async () => {
    const [to] = await enqueueConfirmations(t.db, 1);
    const [row] = await rows();
    await drainUntilSettled(t.db, standinWorker(t.db, standin));

    expect(standin.requests.map((r) => [r.path, r.idempotencyKey, r.status])).toEqual([["/emails", row!.idempotency_key, 200]]);
    expect(standin.emails).toHaveLength(1);
    const email = standin.emails[0]!;
    expect(email.to).toEqual([to]);
    expect(email.from).toBe("Countersign <letters@countersign.test>");
    expect(email.subject).toBe("Confirm your signature: Stop running ICE recruitment ads on Spotify");
    expect(email.html).toContain(`href="http://letters.test/confirm/${confirmationToken(runOf(to!).run, runOf(to!).index)}"`);
    expect(email.text).toContain("ABCD2345");

    const [sent] = await rows();
    expect(sent).toMatchObject({ state: "sent", provider_message_id: email.id, props: null, delivery_status: "sent" });
    expect(standin.validationErrors).toEqual([]);
  });

  it("sends many with the batch endpoint, 100 a request, each email once", async () => {
    const addresses = await enqueueConfirmations(t.db, 250);
    await drainUntilSettled(t.db, standinWorker(t.db, standin));

    const batches = standin.requests.filter((r) => r.path === "/emails/batch");
    expect(batches.map((r) => (r.body as unknown[]).length)).toEqual([100, 100, 50]);
    expect(new Set(batches.map((r) => r.idempotencyKey)).size).toBe(3);
    expect(standin.emails.map((e) => e.to[0]).sort()).toEqual([...addresses].sort());
    expect((await rows()).every((r) => r.state === "sent" && r.provider_message_id)).toBe(true);
    expect(standin.validationErrors).toEqual([]);
  });

  it("holds the provider's rate limit across workers", async () => {
    await enqueueConfirmations(t.db, 12);
    const a = standinWorker(t.db, standin, { ratePerSecond: 5, batchSize: 1 });
    const b = standinWorker(t.db, standin, { ratePerSecond: 5, batchSize: 1 });
    await Promise.all([drainUntilSettled(t.db, a), drainUntilSettled(t.db, b)]);

    const times = standin.requests.map((r) => r.at).sort((x, y) => x - y);
    expect(times).toHaveLength(12);
    // No sliding second holds more than 5 requests, and 12 requests at 5/s take at least 2.2 s.
    for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(950);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(2100);
  });

  it("waits for retry-after on a 429 and sends the same request again", async () => {
    await enqueueConfirmations(t.db, 3);
    standin.failNext({ kind: "429", retryAfterSeconds: 1 });
    await drainUntilSettled(t.db, standinWorker(t.db, standin));

    const [limited, retried] = standin.requests;
    expect(standin.requests).toHaveLength(2);
    expect(limited!.status).toBe(429);
    expect(retried!.status).toBe(200);
    expect(retried!.idempotencyKey).toBe(limited!.idempotencyKey);
    expect(retried!.at - limited!.at).toBeGreaterThanOrEqual(950);
    expect(standin.emails).toHaveLength(3);
    // Waiting out a 429 does not count as a failed try.
    const batch = await t.db.selectFrom("email_batches").select(["attempts", "state"]).executeTakeFirstOrThrow();
    expect(batch).toEqual({ attempts: 1, state: "sent" });
  });

  it("retries server errors and dropped connections with backoff, under the same key", async () => {
    await enqueueConfirmations(t.db, 2);
    standin.failNext({ kind: "500" }, { kind: "drop" });
    await drainUntilSettled(t.db, standinWorker(t.db, standin));

    expect(standin.requests.map((r) => r.status)).toEqual([500, 0, 200]);
    expect(new Set(standin.requests.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(standin.requests[1]!.at - standin.requests[0]!.at).toBeGreaterThanOrEqual(15);
    expect(standin.emails).toHaveLength(2);
    expect((await rows()).map((r) => r.state)).toEqual(["sent", "sent"]);
  });

  it("dead-letters a permanent error with its reason, and sends it once retried", async () => {
    await enqueueConfirmations(t.db, 1);
    standin.failNext({ kind: "422", message: "The from address is not verified" });
    await drainUntilSettled(t.db, standinWorker(t.db, standin));
    const [dead] = await rows();
    expect(dead).toMatchObject({ state: "dead", last_error: "422 validation_error: The from address is not verified" });
    expect(dead!.props).not.toBeNull();
    expect((await outboxStatus(t.db)).byState.dead).toBe(1);

    expect(await retryDeadLetters(t.db)).toBe(1);
    await drainUntilSettled(t.db, standinWorker(t.db, standin));
    const [sent] = await rows();
    expect(sent!.state).toBe("sent");
    expect(sent!.idempotency_key).not.toBe(dead!.idempotency_key);
    expect(standin.emails).toHaveLength(1);
  });

  it("dead-letters a batch after the maximum number of tries", async () => {
    await enqueueConfirmations(t.db, 2);
    standin.failNext({ kind: "500" }, { kind: "500" }, { kind: "500" });
    await drainUntilSettled(t.db, standinWorker(t.db, standin, { maxAttempts: 3 }));
    expect(standin.requests).toHaveLength(3);
    const dead = await rows();
    expect(dead.map((r) => r.state)).toEqual(["dead", "dead"]);
    expect(dead[0]!.last_error).toMatch(/^gave up after 3 tries: 500 internal_server_error/);
  });

  it("skips addresses on the suppression list", async () => {
    const [bounced, fine] = await enqueueConfirmations(t.db, 2);
    await suppressAddress(t.db, bounced!.toUpperCase(), "bounced");
    await drainUntilSettled(t.db, standinWorker(t.db, standin));
    expect(standin.emails.map((e) => e.to[0])).toEqual([fine]);
    const byAddress = Object.fromEntries((await rows()).map((r) => [r.to_address, r]));
    expect(byAddress[bounced!]).toMatchObject({ state: "suppressed", props: null });
  });

  it("sends each email exactly once with two workers draining at the same time", async () => {
    const addresses = await enqueueConfirmations(t.db, 600);
    const a = standinWorker(t.db, standin, { batchSize: 7, concurrency: 3 });
    const b = standinWorker(t.db, standin, { batchSize: 7, concurrency: 3 });
    a.start();
    b.start();
    await drainUntilSettled(t.db, standinWorker(t.db, standin, { batchSize: 7 }), 60_000);
    await Promise.all([a.stop(), b.stop()]);

    const sentTo = standin.emails.map((e) => e.to[0]!);
    expect(sentTo).toHaveLength(600);
    expect(new Set(sentTo).size).toBe(600);
    expect(new Set(sentTo)).toEqual(new Set(addresses));
    const keys = standin.requests.map((r) => r.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("computes exponential backoff with jitter, capped", () => {
    const opts = { baseBackoffMs: 1000, maxBackoffMs: 8000 };
    expect(backoffMs(1, opts, () => 0)).toBe(500);
    expect(backoffMs(1, opts, () => 1)).toBe(1000);
    expect(backoffMs(3, opts, () => 1)).toBe(4000);
    expect(backoffMs(10, opts, () => 1)).toBe(8000);
    expect(backoffMs(10, opts, () => 0)).toBe(4000);
  });
});

describe("queue lag", () => {
  it("reports how many emails wait and for how long", async () => {
    await enqueueConfirmations(t.db, 2);
    await sql`update email_outbox set created_at = now() - interval '90 seconds'`.execute(t.db);
    const status = await outboxStatus(t.db);
    expect(status.waiting).toBe(2);
    expect(status.byState.queued).toBe(2);
    expect(status.oldestWaitingSeconds).toBeGreaterThanOrEqual(89);
  });
});
