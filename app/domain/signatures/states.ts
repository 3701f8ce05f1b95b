/** A signature's life (../shared/DESIGN.md): only `approved` is ever public. */
export const SIGNATURE_STATES = {
  /** Submitted; the email link has not been used yet. */
  unconfirmed: "unconfirmed",
  /** Email confirmed; waiting for a moderator. */
  pending: "pending",
  approved: "approved",
  rejected: "rejected",
  /** Taken back by the signer; private fields deleted. */
  withdrawn: "withdrawn",
  /** Set silently by abuse rules: the signer saw the normal flow; nothing is counted or shown. */
  quarantined: "quarantined",
} as const;
export type SignatureState = (typeof SIGNATURE_STATES)[keyof typeof SIGNATURE_STATES];

export const SIGNATURE_KINDS = { artist: "artist", label: "label", roster: "roster" } as const;
export type SignatureKind = (typeof SIGNATURE_KINDS)[keyof typeof SIGNATURE_KINDS];

export const ROLES = ["musician", "songwriter", "producer", "dj", "podcaster", "engineer", "other"] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = {
  musician: "Musician",
  songwriter: "Songwriter",
  producer: "Producer",
  dj: "DJ",
  podcaster: "Podcaster",
  engineer: "Engineer",
  other: "Other",
};

export const TOKEN_PURPOSES = { confirm: "confirm", manage: "manage", roster: "roster" } as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[keyof typeof TOKEN_PURPOSES];
