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
  label_domain_confirmed: {
    label: "Label domain confirmed",
    explanation: "Someone who confirmed an address at the label's own web domain (not a free or disposable mailbox) signed for it.",
  },
  label_dns_confirmed: {
    label: "DNS confirmed",
    explanation: "The label also published a record we gave it in its domain's DNS, which only the domain's owner can do.",
  },
  via_label: {
    label: "Via label",
    explanation:
      "Listed by a label with a confirmed domain, which says the artist asked to be included. Where the label gave the artist's address, the artist was told and can withdraw.",
  },
  artist_confirmed: {
    label: "Confirmed by the artist",
    explanation: "The artist listed by a label confirmed the entry themselves, from the email we sent them.",
  },
  artist_not_confirmed: {
    label: "Not confirmed by the artist",
    explanation: "Listed by a label; the artist has not confirmed the entry themselves (the label gave no address, or the artist has not answered).",
  },
  identity_checked: {
    label: "Identity checked",
    explanation: "A moderator checked who signed outside the site (a reply from a known account or representative). Required for well-known names.",
  },
} as const;
export type BadgeId = keyof typeof BADGES;
export const BADGE_IDS = Object.keys(BADGES) as BadgeId[];

/** The columns a badge is decided from: public facts only. */
export interface BadgeFacts {
  kind: string;
  confirmed: boolean;
  labelName: string | null;
  labelDomainVerified: boolean;
  labelDnsVerified: boolean;
  identityChecked: boolean;
}

export function badgesFor(facts: BadgeFacts): BadgeId[] {
  const badges: BadgeId[] = [];
  if (facts.kind === "artist" && facts.confirmed) badges.push("email_confirmed");
  if (facts.kind === "label" && facts.labelDomainVerified) badges.push("label_domain_confirmed");
  if (facts.kind === "label" && facts.labelDnsVerified) badges.push("label_dns_confirmed");
  // An artist who signed themselves and was also listed by a label is shown once, noting the label.
  if (facts.kind !== "label" && facts.labelName) badges.push("via_label");
  if (facts.kind === "roster") badges.push(facts.confirmed ? "artist_confirmed" : "artist_not_confirmed");
  if (facts.identityChecked) badges.push("identity_checked");
  return badges;
}

export const KIND_LABELS = { artist: "Artist", label: "Label", roster: "Via a label" } as const;

/** The role as every public output prints it: "Label" for a label, else the role's own label. */
export function publicRole(kind: string, role: string): string {
  if (kind === "label") return "Label";
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}
