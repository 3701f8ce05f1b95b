import { ROLE_LABELS } from "../signatures/states";

/**
 * The facts the public list states about each name (../shared/DESIGN.md, "Badges"). Every name on
 * the list was also approved by a moderator; a badge says what else the system holds.
 */
export const BADGES = {
  email_confirmed: {
    label: "Email confirmed",
    explanation: "The artist opened a link sent to the address they gave, and a moderator approved the name.",
  },
  // The three label marks are earned through the labels work (issue 11), which no one can use yet:
  // they are not explained on /press until a label can join.
  label_domain_confirmed: {
    earnable: false,
    label: "Label domain confirmed",
    explanation: "Someone who controls an address at the label's own web domain signed for it.",
  },
  via_label: {
    earnable: false,
    label: "Via label",
    explanation: "Listed by a label with a confirmed domain, at the artist's request; the artist was told and can withdraw.",
  },
  artist_confirmed: {
    earnable: false,
    label: "Confirmed by the artist",
    explanation: "An artist listed by a label also confirmed it themselves, by email.",
  },
  identity_checked: {
    label: "Identity checked",
    explanation: "A moderator checked who signed outside the site (a reply from a known account or representative). Required for well-known names.",
  },
} as const;
export type BadgeId = keyof typeof BADGES;
export const BADGE_IDS = Object.keys(BADGES) as BadgeId[];
/** The marks a name can earn today: the only ones /press explains. */
export const EARNABLE_BADGE_IDS = BADGE_IDS.filter((id) => !("earnable" in BADGES[id]));

/** The columns a badge is decided from: public facts only. */
export interface BadgeFacts {
  kind: string;
  confirmed: boolean;
  labelName: string | null;
  labelDomainVerified: boolean;
  identityChecked: boolean;
}

export function badgesFor(facts: BadgeFacts): BadgeId[] {
  const badges: BadgeId[] = [];
  if (facts.kind === "artist" && facts.confirmed) badges.push("email_confirmed");
  if (facts.kind === "label" && facts.labelDomainVerified) badges.push("label_domain_confirmed");
  if (facts.kind === "roster" && facts.labelName) badges.push("via_label");
  if (facts.kind === "roster" && facts.confirmed) badges.push("artist_confirmed");
  if (facts.identityChecked) badges.push("identity_checked");
  return badges;
}

export const KIND_LABELS = { artist: "Artist", label: "Label", roster: "Via a label" } as const;

/** The role as every public output prints it: "Label" for a label, else the role's own label. */
export function publicRole(kind: string, role: string): string {
  if (kind === "label") return "Label";
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}
