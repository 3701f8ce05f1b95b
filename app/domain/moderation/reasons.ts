/** Why a moderator rejects a name. Stored as a code; the note adds detail for "other". */
export const REJECTION_REASONS = {
  fake: "Fake or impersonation",
  duplicate: "Duplicate",
  not_eligible: "Not an artist or label",
  offensive: "Offensive",
  other: "Other (see note)",
} as const;
export type RejectionReason = keyof typeof REJECTION_REASONS;

export const DECISIONS = ["approve", "reject", "feature", "unfeature", "hide"] as const;
export type Decision = (typeof DECISIONS)[number];
