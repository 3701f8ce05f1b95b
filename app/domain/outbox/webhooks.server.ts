import { Resend } from "resend";
import type { Db } from "../../../db/client";
import { suppressAddress } from "./suppression.server";
import type { DeliveryStatus } from "./states";

export interface WebhookRequest {
  payload: string;
  svixId: string | null;
  svixTimestamp: string | null;
  svixSignature: string | null;
}

export type WebhookOutcome = { status: 200; body: { ok: true; duplicate?: true; ignored?: true } } | { status: 400 | 401; body: { error: string } };

const statusByEvent: Record<string, DeliveryStatus> = {
  "email.sent": "sent",
  "email.delivered": "delivered",
  "email.delivery_delayed": "delivery_delayed",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.failed": "failed",
};

interface ResendEvent {
  type: string;
  data?: { email_id?: string; to?: string[] | string; bounce?: { type?: string } };
}

/**
 * A Resend webhook delivery: the signature is checked with the SDK's verifier (Svix scheme; it also
 * refuses timestamps more than five minutes off), a delivery seen before (same svix-id) is
 * acknowledged without acting again, and bounces and complaints put the address on the
 * suppression list. The delivery status is kept on the outbox row.
 */
export async function handleResendWebhook(db: Db, req: WebhookRequest, secret: string): Promise<WebhookOutcome> {
  if (!req.svixId || !req.svixTimestamp || !req.svixSignature) {
    return { status: 400, body: { error: "missing svix-id, svix-timestamp or svix-signature header" } };
  }
  let event: ResendEvent;
  try {
    // The verifier only needs the secret; the API key is never used here.
    event = new Resend("re_webhook_verifier").webhooks.verify({
      payload: req.payload,
      headers: { id: req.svixId, timestamp: req.svixTimestamp, signature: req.svixSignature },
      webhookSecret: secret,
    }) as unknown as ResendEvent;
  } catch {
    return { status: 401, body: { error: "invalid or stale signature" } };
  }
  if (typeof event?.type !== "string") return { status: 400, body: { error: "not a Resend event" } };

  return db.transaction().execute(async (trx) => {
    const fresh = await trx
      .insertInto("webhook_events")
      .values({ provider: "resend", event_id: req.svixId!, type: event.type })
      .onConflict((oc) => oc.columns(["provider", "event_id"]).doNothing())
      .returning("event_id")
      .executeTakeFirst();
    if (!fresh) return { status: 200, body: { ok: true, duplicate: true } } as const;

    const status = statusByEvent[event.type];
    if (!status) return { status: 200, body: { ok: true, ignored: true } } as const;

    if (event.data?.email_id) {
      const final = status === "bounced" || status === "complained";
      await trx
        .updateTable("email_outbox")
        .set({ delivery_status: status, delivery_updated_at: new Date() })
        .where("provider_message_id", "=", event.data.email_id)
        // A late "delivered" never hides an earlier bounce or complaint.
        .$if(!final, (qb) => qb.where((eb) => eb.or([eb("delivery_status", "is", null), eb("delivery_status", "not in", ["bounced", "complained"])])))
        .execute();
    }
    const transient = status === "bounced" && event.data?.bounce?.type?.toLowerCase() === "transient";
    if ((status === "bounced" && !transient) || status === "complained") {
      const to = event.data?.to;
      for (const address of Array.isArray(to) ? to : to ? [to] : []) {
        await suppressAddress(trx, address, status, `resend ${event.type} ${event.data?.email_id ?? ""}`.trim());
      }
    }
    return { status: 200, body: { ok: true } } as const;
  });
}
