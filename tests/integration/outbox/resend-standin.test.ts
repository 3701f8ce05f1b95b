import { randomBytes } from "node:crypto";
import { Resend } from "resend";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signWebhook, startResendStandin, type RecordedRequest, type ResendStandin } from "../../support/resend-standin";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const API_KEY = "re_test_key";

function email(n: number) {
  return {
    from: "Countersign <letters@example.com>",
    to: `reader${n}@example.com`,
    subject: `Letter ${n}`,
    html: `<p>${n}</p>`,
  };
}

let standin: ResendStandin;
let resend: Resend;

beforeAll(async () => {
  standin = await startResendStandin({ apiKey: API_KEY });
  resend = new Resend(API_KEY, { baseUrl: standin.url });
});

afterEach(() => {
  standin.latencyMs = 0;
  standin.onAccepted = undefined;
  standin.reset();
});

afterAll(async () => {
  await standin.close();
});

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${standin.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json", ...headers },
    body,
  });
}

describe("resend stand-in, driven by the real SDK", () => {
  it("stores a single send and answers with its id", async () => {
    const { data, error } = await resend.emails.send({ ...email(1), text: "1" });

    expect(error).toBeNull();
    expect(data?.id).toMatch(UUID);
    expect(standin.emails).toEqual([
      {
        id: data?.id,
        from: "Countersign <letters@example.com>",
        to: ["reader1@example.com"],
        subject: "Letter 1",
        html: "<p>1</p>",
        text: "1",
        idempotencyKey: undefined,
      },
    ]);
    expect(standin.requests).toMatchObject([{ method: "POST", path: "/emails", status: 200 }]);
    expect(standin.validationErrors).toEqual([]);
  });

  it("stores a batch in order and returns the ids in the same order", async () => {
    const { data, error } = await resend.batch.send([email(1), email(2), email(3)], { idempotencyKey: "batch/1" });

    expect(error).toBeNull();
    expect(data?.data.map(({ id }) => id)).toEqual(standin.emails.map(({ id }) => id));
    expect(standin.emails.map(({ subject }) => subject)).toEqual(["Letter 1", "Letter 2", "Letter 3"]);
    expect(standin.emails.every(({ idempotencyKey }) => idempotencyKey === "batch/1")).toBe(true);
    expect(standin.requests[0]).toMatchObject({
      path: "/emails/batch",
      batchValidation: "strict",
      idempotencyKey: "batch/1",
    });
    expect(standin.validationErrors).toEqual([]);
  });

  it("replays an idempotent request without creating anything", async () => {
    const first = await resend.emails.send(email(1), { idempotencyKey: "letter/1" });
    const replay = await resend.emails.send(email(1), { idempotencyKey: "letter/1" });

    expect(replay.error).toBeNull();
    expect(replay.data?.id).toBe(first.data?.id);
    expect(standin.emails).toHaveLength(1);
    expect(standin.requests.map(({ status }) => status)).toEqual([200, 200]);
  });

  it("keeps idempotency keys per path", async () => {
    await resend.emails.send(email(1), { idempotencyKey: "shared" });
    const batch = await resend.batch.send([email(1)], { idempotencyKey: "shared" });

    expect(batch.error).toBeNull();
    expect(standin.emails).toHaveLength(2);
  });

  it("rejects the same key with a different body", async () => {
    await resend.emails.send(email(1), { idempotencyKey: "letter/1" });
    const { error } = await resend.emails.send(email(2), { idempotencyKey: "letter/1" });

    expect(error).toMatchObject({ name: "invalid_idempotent_request", statusCode: 409 });
    expect(standin.emails).toHaveLength(1);
  });

  it("rejects a key whose first request is still in flight", async () => {
    standin.latencyMs = 150;
    const [first, second] = await Promise.all([
      resend.emails.send(email(1), { idempotencyKey: "letter/1" }),
      new Promise((resolve) => setTimeout(resolve, 30)).then(() => resend.emails.send(email(1), { idempotencyKey: "letter/1" })),
    ]);

    expect(first.error).toBeNull();
    expect(second.error).toMatchObject({ name: "concurrent_idempotent_requests", statusCode: 409 });
    expect(standin.emails).toHaveLength(1);
  });

  it("surfaces a 429 fault with retry-after, and does not remember it for idempotency", async () => {
    standin.failNext({ kind: "429", retryAfterSeconds: 7 });
    const limited = await resend.emails.send(email(1), { idempotencyKey: "letter/1" });

    expect(limited.error).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    expect(limited.headers?.["retry-after"]).toBe("7");
    expect(limited.headers?.["ratelimit-remaining"]).toBe("0");
    expect(standin.emails).toHaveLength(0);

    const retried = await resend.emails.send(email(1), { idempotencyKey: "letter/1" });
    expect(retried.error).toBeNull();
    expect(standin.emails).toHaveLength(1);
    expect(standin.requests.map(({ status, fault }) => [status, fault])).toEqual([
      [429, "429"],
      [200, undefined],
    ]);
  });

  it("surfaces a 500 fault", async () => {
    standin.failNext({ kind: "500" });
    const { error } = await resend.batch.send([email(1)]);

    expect(error).toMatchObject({ statusCode: 500, name: "internal_server_error" });
    expect(standin.emails).toHaveLength(0);
  });

  it("surfaces an injected 422 without counting it as a validation problem", async () => {
    standin.failNext({ kind: "422", message: "Invalid `to` field." });
    const { error } = await resend.emails.send(email(1));

    expect(error).toMatchObject({ statusCode: 422, name: "validation_error", message: "Invalid `to` field." });
    expect(standin.validationErrors).toEqual([]);
  });

  it("consumes one queued fault per send, in order", async () => {
    standin.failNext({ kind: "500" }, { kind: "429", retryAfterSeconds: 1 });
    const results = [];
    for (let n = 0; n < 3; n++) results.push(await resend.emails.send(email(1)));

    expect(results.map(({ error }) => error?.statusCode ?? 200)).toEqual([500, 429, 200]);
  });

  it("drops the connection as a network error", async () => {
    standin.failNext({ kind: "drop" });
    const { error, headers } = await resend.emails.send(email(1));

    expect(error).toMatchObject({ statusCode: null, name: "application_error" });
    expect(headers).toBeNull();
    expect(standin.requests).toMatchObject([{ status: 0, fault: "drop" }]);
    expect(standin.emails).toHaveLength(0);

    const after = await resend.emails.send(email(1));
    expect(after.error).toBeNull();
  });

  it("rejects a body that breaks the OpenAPI schema", async () => {
    const { subject: _subject, ...withoutSubject } = email(1);
    const response = await post("/emails", JSON.stringify(withoutSubject));

    expect(response.status).toBe(422);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect(standin.validationErrors).toEqual([expect.stringContaining("subject")]);
    expect(standin.emails).toHaveLength(0);
  });

  it("rejects a body that is not JSON, or not sent as JSON", async () => {
    expect((await post("/emails", "{nope")).status).toBe(422);
    expect((await post("/emails", JSON.stringify(email(1)), { "content-type": "text/plain" })).status).toBe(422);
    expect(standin.validationErrors).toHaveLength(2);
  });

  it("rejects a batch of more than 100", async () => {
    const { error } = await resend.batch.send(Array.from({ length: 101 }, (_, n) => email(n)));

    expect(error).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect(standin.validationErrors).toHaveLength(1);
    expect(standin.emails).toHaveLength(0);
  });

  it("accepts a batch of exactly 100", async () => {
    const { data, error } = await resend.batch.send(Array.from({ length: 100 }, (_, n) => email(n)));

    expect(error).toBeNull();
    expect(data?.data).toHaveLength(100);
    expect(standin.emails).toHaveLength(100);
  });

  it("rejects a strict batch with one bad item, and sends the good ones in permissive mode", async () => {
    const bad = { from: "Countersign <letters@example.com>", to: [], subject: "empty", html: "<p>x</p>" };
    const strict = await resend.batch.send([email(1), bad, email(3)]);
    expect(strict.error).toMatchObject({ statusCode: 422 });
    expect(standin.emails).toHaveLength(0);

    const permissive = await resend.batch.send([email(1), bad, email(3)], { batchValidation: "permissive" });
    expect(permissive.error).toBeNull();
    expect(permissive.data?.data).toHaveLength(2);
    expect(permissive.data?.errors).toMatchObject([{ index: 1 }]);
    expect(standin.emails.map(({ subject }) => subject)).toEqual(["Letter 1", "Letter 3"]);
  });

  it("rejects an unknown x-batch-validation mode", async () => {
    const response = await post("/emails/batch", JSON.stringify([email(1)]), { "x-batch-validation": "lenient" });

    expect(response.status).toBe(422);
    expect(standin.validationErrors).toEqual([expect.stringContaining("x-batch-validation")]);
  });

  it("rejects an Idempotency-Key longer than 256 characters", async () => {
    const { error } = await resend.emails.send(email(1), { idempotencyKey: "k".repeat(257) });

    expect(error).toMatchObject({ statusCode: 400, name: "invalid_idempotency_key" });
    expect(standin.validationErrors).toHaveLength(1);
  });

  it("rejects a wrong API key with 403 and a missing one with 401", async () => {
    const wrong = await new Resend("re_wrong", { baseUrl: standin.url }).emails.send(email(1));
    expect(wrong.error).toMatchObject({ statusCode: 403, name: "invalid_api_key" });

    const missing = await fetch(`${standin.url}/emails`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(email(1)),
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ name: "missing_api_key" });
    expect(standin.emails).toHaveLength(0);
  });

  it("answers anything else with 404", async () => {
    const response = await fetch(`${standin.url}/domains`, { headers: { authorization: `Bearer ${API_KEY}` } });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, name: "not_found" });
    expect(standin.validationErrors).toHaveLength(1);
  });

  it("calls onAccepted after the send is stored, and not for replays", async () => {
    const seen: { request: RecordedRequest; stored: number }[] = [];
    standin.onAccepted = (request) => seen.push({ request, stored: standin.emails.length });

    await resend.batch.send([email(1), email(2)], { idempotencyKey: "batch/1" });
    await resend.batch.send([email(1), email(2)], { idempotencyKey: "batch/1" });

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ request: { path: "/emails/batch", status: 200 }, stored: 2 });
  });

  it("delays answers by latencyMs", async () => {
    standin.latencyMs = 100;
    const started = Date.now();
    await resend.emails.send(email(1));

    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });
});

describe("signWebhook", () => {
  const secret = `whsec_${randomBytes(24).toString("base64")}`;
  const payload = JSON.stringify({
    type: "email.delivered",
    created_at: new Date().toISOString(),
    data: { email_id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c", to: ["reader@example.com"] },
  });

  function verify(body: string, headers: ReturnType<typeof signWebhook>, webhookSecret = secret) {
    return new Resend("re_x").webhooks.verify({
      payload: body,
      headers: { id: headers["svix-id"], timestamp: headers["svix-timestamp"], signature: headers["svix-signature"] },
      webhookSecret,
    });
  }

  it("produces headers the SDK's verifier accepts", () => {
    const headers = signWebhook(secret, payload);

    expect(headers["svix-id"]).toMatch(/^msg_\w+$/);
    expect(headers["svix-signature"]).toMatch(/^v1,/);
    expect(verify(payload, headers)).toEqual(JSON.parse(payload));
  });

  it("honours a given id and timestamp", () => {
    const timestamp = new Date(Date.now() - 60_000);
    const headers = signWebhook(secret, payload, { id: "msg_fixed", timestamp });

    expect(headers["svix-id"]).toBe("msg_fixed");
    expect(headers["svix-timestamp"]).toBe(String(Math.floor(timestamp.getTime() / 1000)));
    expect(() => verify(payload, headers)).not.toThrow();
  });

  it("fails verification for a tampered payload, another secret, or a stale timestamp", () => {
    const headers = signWebhook(secret, payload);

    expect(() => verify(payload.replace("delivered", "bounced"), headers)).toThrow();
    expect(() => verify(payload, headers, `whsec_${randomBytes(24).toString("base64")}`)).toThrow();
    const stale = signWebhook(secret, payload, { timestamp: new Date(Date.now() - 3_600_000) });
    expect(() => verify(payload, stale)).toThrow();
  });
});
