/** An email's life in the outbox. */
export const OUTBOX_STATES = {
  /** Written with the change that caused it; waiting for a worker. */
  queued: "queued",
  /** Part of a batch the worker sends (and retries) as one request with one idempotency key. */
  batched: "batched",
  /** The provider accepted it. */
  sent: "sent",
  /** Not sent: the address bounced or complained before. */
  suppressed: "suppressed",
  /** Not sent, by decision: a sign-in email asked for an address without an active account. */
  dropped: "dropped",
  /** Given up: a permanent error, or too many tries. `npm run outbox:retry-dead` queues it again. */
  dead: "dead",
} as const;
export type OutboxState = (typeof OUTBOX_STATES)[keyof typeof OUTBOX_STATES];

export const BATCH_STATES = { pending: "pending", sent: "sent", dead: "dead" } as const;
export type BatchState = (typeof BATCH_STATES)[keyof typeof BATCH_STATES];

/** What the provider's webhooks told us after sending. */
export const DELIVERY_STATUSES = ["sent", "delivered", "delivery_delayed", "bounced", "complained", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];
