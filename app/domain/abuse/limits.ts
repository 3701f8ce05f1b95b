/** The limits on signing, in one place so that moderators and tests read the same numbers. */
export const SIGNING_LIMITS = {
  /** A burst from one IP (a script, or a double click): per minute. */
  ipBurst: { windowSeconds: 60, max: 5 },
  /** Sustained from one IP (a festival's wifi is allowed a lot more than a person): per hour. */
  ipSustained: { windowSeconds: 3600, max: 40 },
  /** One address tried again and again: per hour. */
  email: { windowSeconds: 3600, max: 3 },
  /** One organisation's domain (free mailbox providers are exempt): per hour. */
  domain: { windowSeconds: 3600, max: 60 },
} as const;

/** Guessing 8-character codes: per IP and per address, per hour. */
export const CODE_LIMITS = {
  ip: { windowSeconds: 3600, max: 20 },
  email: { windowSeconds: 3600, max: 8 },
} as const;
