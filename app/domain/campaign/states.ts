/**
 * A letter's launch (decision 017): its states, the one table of which switch leads where, and
 * what each kind of visitor may see and do in each state. Pure: the server module reads and writes
 * the state; routes ask `accessFor` what a request may have.
 */
export const CAMPAIGN_STATES = {
  /** Notable names are gathered quietly: signing by invitation link only; the public sees a holding page. */
  collecting: "collecting",
  /** The press with a preview link sees the list and counts, marked with the embargo's end; nobody else sees anything. */
  embargoed: "embargoed",
  public: "public",
  /** No new signatures; the list, exports and snapshots stay. */
  closed: "closed",
} as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[keyof typeof CAMPAIGN_STATES];

const { collecting, embargoed, public: open, closed } = CAMPAIGN_STATES;

/** `same`: the switch changes the schedule, not the state. */
export const CAMPAIGN_TRANSITIONS = {
  /** A new letter is prepared in private: only while nothing of it has ever been published (checked by switchCampaign). */
  prepare: { [open]: collecting },
  /** The press is briefed: needs the time the embargo ends, which is also when the letter goes public. */
  embargo: { [collecting]: embargoed },
  /** The embargo is called off before launch: back to collecting (preview links stop showing anything). */
  recall: { [embargoed]: collecting },
  /** Now, by an admin, or at the scheduled time by the server. */
  launch: { [collecting]: open, [embargoed]: open },
  close: { [open]: closed },
  reopen: { [closed]: open },
  /** Sets or moves the time of the switch to public. */
  schedule: { [collecting]: "same", [embargoed]: "same" },
  /** Drops the scheduled switch (not while embargoed: an embargo always says when it ends). */
  unschedule: { [collecting]: "same" },
} as const satisfies Record<string, Partial<Record<CampaignState, CampaignState | "same">>>;

export type CampaignEvent = keyof typeof CAMPAIGN_TRANSITIONS;
export const CAMPAIGN_EVENTS = Object.keys(CAMPAIGN_TRANSITIONS) as CampaignEvent[];
/** Events that need a time for the switch to public. */
export const TIMED_EVENTS = ["embargo", "schedule"] as const satisfies CampaignEvent[];

export function nextCampaignState(state: CampaignState, event: CampaignEvent): CampaignState | undefined {
  const target = (CAMPAIGN_TRANSITIONS[event] as Partial<Record<CampaignState, CampaignState | "same">>)[state];
  return target === "same" ? state : target;
}

export function allowedCampaignEvents(state: CampaignState): CampaignEvent[] {
  return CAMPAIGN_EVENTS.filter((event) => nextCampaignState(state, event) !== undefined);
}

export const LINK_PURPOSES = { invitation: "invitation", preview: "preview" } as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[keyof typeof LINK_PURPOSES];

export interface CampaignAccess {
  state: CampaignState;
  /** The letter's text (and, where `sign` allows, the form). */
  letter: boolean;
  /** Names, counts, feeds, exports, cards, snapshots, the press page. */
  list: boolean;
  /** A new signature from the public form (or a label joining). */
  sign: boolean;
  /** Set when what this request sees is under embargo: when it ends, and the zone to say it in. */
  embargo: { until: Date; zone: string } | null;
  /** Whether the answer depends on a private link, so no shared cache may keep it. */
  private: boolean;
  /** The invitation this request carries, when it is what lets it sign. */
  invitationId: string | null;
}

export interface CampaignFacts {
  state: CampaignState;
  publicAt: Date | null;
  publicAtZone: string | null;
}

/** What a request holding `grant` (a valid link of that purpose, or none) may see and do. */
export function accessFor(campaign: CampaignFacts, grant: { purpose: LinkPurpose; id: string } | null): CampaignAccess {
  const { state } = campaign;
  const invited = grant?.purpose === "invitation";
  const preview = grant?.purpose === "preview" && state === embargoed;
  const base = { state, embargo: null, private: state === collecting || state === embargoed, invitationId: null };
  switch (state) {
    case open:
      return { ...base, letter: true, list: true, sign: true };
    case closed:
      return { ...base, letter: true, list: true, sign: false };
    case collecting:
    case embargoed:
      return {
        ...base,
        letter: invited || preview,
        list: preview,
        sign: invited,
        embargo: preview && campaign.publicAt ? { until: campaign.publicAt, zone: campaign.publicAtZone ?? "UTC" } : null,
        invitationId: invited ? grant.id : null,
      };
  }
}
