import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestDatabase } from "../../support/db";
import { signWebhook } from "../../support/resend-standin";
import { startTestServer, type TestServer } from "../../support/server";

const t = setupTestDatabase();
const secret = `whsec_${randomBytes(24).toString("base64")}`;
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(t.database, { RESEND_WEBHOOK_SECRET: secret });
});
afterAll(async () => {
  await server?.close();
});

let n = 0;
function event(type: string, data: Record<string, unknown>) {
  return JSON.stringify({ type, created_at: new Date().toISOString(), data: { created_at: new Date().toISOString(), ...data } });
}

async function deliver(payload: string, headers: Record<string, string>) {
  return fetch(`${server.url}/webhooks/resend`, { method: "POST", body: payload, headers: { "content-type": "application/json", ...headers } });
}

async function signedDelivery(payload: string, id = `msg_${n++}_${Date.now()}`) {
  return deliver(payload, signWebhook(secret, payload, { id }));
}

async function sentEmail(to: string, providerId: string) {
  await t.db
    .insertInto("email_outbox")
    .values({ template: "signed-again", to_address: to, props: null, state: "sent", provider_message_id: providerId, delivery_status: "sent" })
    .execute();
}

async function deliveryStatus(providerId: string) {
  const row = await t.db.selectFrom("email_outbox").select("delivery_status").where("provider_message_id", "=", providerId).executeTakeFirstOrThrow();
  return row.delivery_status;
}

async function suppression(address: string) {
  return t.db.selectFrom("email_suppressions").selectAll().where("address", "=", address).executeTakeFirst();
}

describe("POST /webhooks/resend", () => {
  it("refuses a delivery without signature headers (400) and a forged one (401), changing nothing", async () => {
    const payload = event("email.bounced", { email_id: "e-forged", to: ["forged@example.org"] });
    const missing = await deliver(payload, {});
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: "missing svix-id, svix-timestamp or svix-signature header" });

    const otherSecret = `whsec_${randomBytes(24).toString("base64")}`;
    const forged = await deliver(payload, signWebhook(otherSecret, payload, { id: "msg_forged" }));
    expect(forged.status).toBe(401);

    const tampered = signWebhook(secret, payload, { id: "msg_tampered" });
    const res = await deliver(payload.replace("forged@", "victim@"), tampered);
    expect(res.status).toBe(401);
    expect(await suppression("forged@example.org")).toBeUndefined();
    expect(await suppression("victim@example.org")).toBeUndefined();
  });

  it("refuses a stale signature (replayed after more than five minutes)", async () => {
    const payload = event("email.complained", { email_id: "e-stale", to: ["stale@example.org"] });
    const res = await deliver(payload, signWebhook(secret, payload, { id: "msg_stale", timestamp: new Date(Date.now() - 10 * 60_000) }));
    expect(res.status).toBe(401);
    expect(await suppression("stale@example.org")).toBeUndefined();
  });

  it("suppresses a hard-bounced address and records the bounce on the email", async () => {
    await sentEmail("bounce@example.org", "e-bounce");
    const res = await signedDelivery(event("email.bounced", { email_id: "e-bounce", to: ["bounce@example.org"], bounce: { type: "Permanent" } }));
    expect(res.status).toBe(200);
    expect(await suppression("bounce@example.org")).toMatchObject({ reason: "bounced" });
    expect(await deliveryStatus("e-bounce")).toBe("bounced");

    // A delivery report arriving after the bounce does not hide it.
    await signedDelivery(event("email.delivered", { email_id: "e-bounce", to: ["bounce@example.org"] }));
    expect(await deliveryStatus("e-bounce")).toBe("bounced");
  });

  it("does not suppress on a transient bounce", async () => {
    await signedDelivery(event("email.bounced", { email_id: "e-soft", to: ["soft@example.org"], bounce: { type: "Transient" } }));
    expect(await suppression("soft@example.org")).toBeUndefined();
  });

  it("suppresses an address that complained", async () => {
    await sentEmail("complain@example.org", "e-complain");
    await signedDelivery(event("email.complained", { email_id: "e-complain", to: ["complain@example.org"] }));
    expect(await suppression("complain@example.org")).toMatchObject({ reason: "complained" });
    expect(await deliveryStatus("e-complain")).toBe("complained");
  });

  it("keeps the delivery status on the outbox row", async () => {
    await sentEmail("ok@example.org", "e-ok");
    await signedDelivery(event("email.delivered", { email_id: "e-ok", to: ["ok@example.org"] }));
    expect(await deliveryStatus("e-ok")).toBe("delivered");
  });

  it("processes a repeated delivery (same svix-id) once", async () => {
    await sentEmail("twice@example.org", "e-twice");
    const payload = event("email.delivered", { email_id: "e-twice", to: ["twice@example.org"] });
    const first = await signedDelivery(payload, "msg_twice");
    expect(await first.json()).toEqual({ ok: true });
    await t.db.updateTable("email_outbox").set({ delivery_status: "sent" }).where("provider_message_id", "=", "e-twice").execute();
    const second = await signedDelivery(payload, "msg_twice");
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ ok: true, duplicate: true });
    expect(await deliveryStatus("e-twice")).toBe("sent");
  });

  it("answers 413 to an oversized body, 405 to GET, and 503 when no secret is configured", async () => {
    const huge = "x".repeat(300 * 1024);
    expect((await deliver(huge, signWebhook(secret, huge, { id: "msg_huge" }))).status).toBe(413);
    expect((await fetch(`${server.url}/webhooks/resend`)).status).toBe(405);
    const unconfigured = await startTestServer(t.database);
    try {
      const payload = event("email.delivered", { email_id: "x" });
      expect((await fetch(`${unconfigured.url}/webhooks/resend`, { method: "POST", body: payload })).status).toBe(503);
    } finally {
      await unconfigured.close();
    }
  });
});
