/** A delivery pack's life: queued → building → ready, or failed; a build that stopped is claimed again. */
export const PACK_STATES = {
  queued: "queued",
  building: "building",
  ready: "ready",
  failed: "failed",
} as const;
export type PackState = (typeof PACK_STATES)[keyof typeof PACK_STATES];
