import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";
import { newToken, plausibleToken, sha256 } from "../signatures/tokens.server";
import { formatInZone } from "../../utils/time";
import {
  accessFor,
  nextCampaignState,
  CAMPAIGN_STATES,
  type CampaignAccess,
  type CampaignEvent,
  type CampaignFacts,
  type CampaignState,
  type LinkPurpose,
} from "./states";

/**
 * A letter's launch (decision 017): the one function that switches its state (`switchCampaign`,
 * which locks the letter row, checks the table, writes, and appends to the audit log), the
 * scheduled switch to public, and the invitation and preview links.
 */

export type CampaignActor = "system" | `user:${string}`;

export class CampaignError extends Error {
  constructor(
    readonly code: "refused" | "conflict" | "needs_time" | "past_time",
    message: string,
  ) {
    super(message);
    this.name = "CampaignError";
  }
}

export interface Campaign extends CampaignFacts {
  stateChangedAt: Date;
}

export async function loadCampaign(db: Db, letterId: number): Promise<Campaign> {
  const row = await db
    .selectFrom("letters")
    .select(["campaign_state", "public_at", "public_at_zone", "state_changed_at"])
    .where("id", "=", letterId)
    .executeTakeFirstOrThrow();
  return { state: row.campaign_state, publicAt: row.public_at, publicAtZone: row.public_at_zone, stateChangedAt: row.state_changed_at };
}

export interface SwitchOptions {
  /** The state the admin saw: a switch from a stale page is refused rather than applied to another state. */
  expected?: CampaignState;
  /** For `embargo` and `schedule`: when the letter goes public, and the zone it is said in. */
  publicAt?: Date;
  zone?: string;
  now?: Date;
}

/** Whether anything of the list has been public: an approved name (or one that was), or a sealed snapshot. */
async function somethingPublished(trx: Db, letterId: number): Promise<boolean> {
  const row = await trx
    .selectFrom("letters as l")
    .select((eb) => [
      eb.exists(eb.selectFrom("signatures").select("id").where("letter_id", "=", letterId).where("approved_at", "is not", null)).as("approved"),
      eb.exists(eb.selectFrom("public_snapshots").select("id").where("letter_id", "=", letterId).where("seq", "is not", null)).as("sealed"),
    ])
    .where("l.id", "=", letterId)
    .executeTakeFirstOrThrow();
  return Boolean(row.approved) || Boolean(row.sealed);
}

/** Applies one switch from CAMPAIGN_TRANSITIONS, with its audit row, in one transaction. */
export async function switchCampaign(db: Db, letterId: number, event: CampaignEvent, actor: CampaignActor, options: SwitchOptions = {}): Promise<Campaign> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("letters")
      .select(["campaign_state", "public_at", "public_at_zone"])
      .where("id", "=", letterId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const state = row.campaign_state;
    if (options.expected && options.expected !== state) throw new CampaignError("conflict", `The letter is ${state} now: another admin switched it first.`);
    const next = nextCampaignState(state, event);
    if (!next) throw new CampaignError("refused", `A letter that is ${state} cannot ${event}.`);
    if (event === "prepare" && (await somethingPublished(trx, letterId))) {
      throw new CampaignError("refused", "Names of this letter have been published already: it cannot go back to collecting.");
    }

    let publicAt = row.public_at;
    let zone = row.public_at_zone;
    if (event === "embargo" || event === "schedule") {
      if (!options.publicAt || !options.zone) throw new CampaignError("needs_time", "Say when the letter goes public.");
      if (options.publicAt.getTime() <= (options.now ?? new Date()).getTime()) throw new CampaignError("past_time", "Choose a time in the future.");
      publicAt = options.publicAt;
      zone = options.zone;
    }
    // Calling off an embargo calls off its launch too: a new time is chosen when there is one.
    if (event === "unschedule" || event === "recall" || next === CAMPAIGN_STATES.public || next === CAMPAIGN_STATES.closed) {
      publicAt = null;
      zone = null;
    }
    await trx
      .updateTable("letters")
      .set({ campaign_state: next, public_at: publicAt, public_at_zone: zone, ...(next !== state ? { state_changed_at: sql<Date>`now()` } : {}) })
      .where("id", "=", letterId)
      .execute();
    await recordAudit(trx, {
      actor,
      action: `campaign_${event}`,
      subjectType: "letter",
      subjectId: String(letterId),
      before: state,
      after: next,
      reason: publicAt && zone ? `public at ${publicAt.toISOString()} (${formatInZone(publicAt, zone)})` : null,
    });
    return loadCampaign(trx, letterId);
  });
}

/**
 * The scheduled switch to public, once its time has come: by the server's tick, and by the first
 * request after the time (so the launch is on time whether or not a tick fell on it). Safe from
 * any number of processes at once: one switches, the others find it done.
 */
export async function launchIfDue(db: Db, letterId: number, now = new Date()): Promise<boolean> {
  const due = await db
    .selectFrom("letters")
    .select("id")
    .where("id", "=", letterId)
    .where("campaign_state", "in", ["collecting", "embargoed"])
    .where("public_at", "<=", now)
    .executeTakeFirst();
  if (!due) return false;
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("letters").select(["campaign_state", "public_at"]).where("id", "=", letterId).forUpdate().executeTakeFirstOrThrow();
    if ((row.campaign_state !== "collecting" && row.campaign_state !== "embargoed") || !row.public_at || row.public_at > now) return false;
    await trx
      .updateTable("letters")
      .set({ campaign_state: "public", public_at: null, public_at_zone: null, state_changed_at: sql<Date>`now()` })
      .where("id", "=", letterId)
      .execute();
    await recordAudit(trx, {
      actor: "system",
      action: "campaign_launch",
      subjectType: "letter",
      subjectId: String(letterId),
      before: row.campaign_state,
      after: "public",
      reason: `scheduled for ${row.public_at.toISOString()}`,
    });
    return true;
  });
}

/** The cookie an invitation or preview link leaves, so the pages that follow know it. */
export const ACCESS_COOKIE = "cs_access";

/**
 * What this request may see and do: the letter's state, and the link its cookie carries (looked
 * up only while the letter is not public, so a public letter costs one row read).
 */
export async function campaignAccess(db: Db, letterId: number, cookieToken: string | undefined): Promise<CampaignAccess> {
  let campaign = await loadCampaign(db, letterId);
  if (campaign.publicAt && campaign.publicAt.getTime() <= Date.now() && (await launchIfDue(db, letterId))) campaign = await loadCampaign(db, letterId);
  const grant = campaign.state === "collecting" || campaign.state === "embargoed" ? await findLink(db, letterId, cookieToken) : null;
  return accessFor(campaign, grant);
}

/** A link that works: of this letter, not revoked, not expired. */
export async function findLink(
  db: Db,
  letterId: number,
  token: string | undefined,
  purpose?: LinkPurpose,
): Promise<{ id: string; purpose: LinkPurpose; expiresAt: Date } | null> {
  if (!token || !plausibleToken(token)) return null;
  const row = await db
    .selectFrom("campaign_links")
    .select(["id", "purpose", "expires_at"])
    .where("token_hash", "=", sha256(token))
    .$if(purpose !== undefined, (q) => q.where("purpose", "=", purpose!))
    .where("letter_id", "=", letterId)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
  return row ? { id: row.id, purpose: row.purpose, expiresAt: row.expires_at } : null;
}

/** Opens a link of `purpose`: counts its use and says what it grants, or null when it does not work. */
export async function openLink(db: Db, letterId: number, token: string, purpose: LinkPurpose) {
  const link = await findLink(db, letterId, token, purpose);
  if (!link) return null;
  await db
    .updateTable("campaign_links")
    .set((eb) => ({ uses: eb("uses", "+", 1), last_used_at: sql<Date>`now()` }))
    .where("id", "=", link.id)
    .execute();
  return link;
}

export async function issueLink(
  db: Db,
  letterId: number,
  input: { purpose: LinkPurpose; note: string; days: number },
  actor: `user:${string}`,
): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(Date.now() + input.days * 86_400_000);
  return db.transaction().execute(async (trx) => {
    const { id } = await trx
      .insertInto("campaign_links")
      .values({ letter_id: letterId, purpose: input.purpose, token_hash: sha256(token), note: input.note, created_by: actor, expires_at: expiresAt })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { actor, action: `link_issue`, subjectType: "campaign_link", subjectId: id, after: input.purpose, reason: input.note });
    return { id, token, expiresAt };
  });
}

/** Revokes a link at once: its next request sees what the public sees. */
export async function revokeLink(db: Db, letterId: number, id: string, actor: `user:${string}`): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const revoked = await trx
      .updateTable("campaign_links")
      .set({ revoked_at: sql<Date>`now()` })
      .where("id", "=", id)
      .where("letter_id", "=", letterId)
      .where("revoked_at", "is", null)
      .returning(["purpose", "note"])
      .executeTakeFirst();
    if (!revoked) return false;
    await recordAudit(trx, { actor, action: "link_revoke", subjectType: "campaign_link", subjectId: id, before: revoked.purpose, reason: revoked.note });
    return true;
  });
}

export async function listLinks(db: Db, letterId: number) {
  return db
    .selectFrom("campaign_links as l")
    .leftJoin("signatures as s", "s.invitation_id", "l.id")
    .select(["l.id", "l.purpose", "l.note", "l.created_by", "l.created_at", "l.expires_at", "l.revoked_at", "l.uses", "l.last_used_at"])
    .select((eb) => eb.fn.count<string>("s.id").as("signatures"))
    .where("l.letter_id", "=", letterId)
    .groupBy("l.id")
    .orderBy("l.created_at", "desc")
    .limit(500)
    .execute();
}

/** The letter's switches and links, newest first, for the admin page. */
export async function campaignTrail(db: Db, letterId: number) {
  return db
    .selectFrom("audit_log")
    .select(["id", "actor", "action", "subject_type", "subject_id", "before_state", "after_state", "reason", "created_at"])
    .where((eb) =>
      eb.or([
        eb.and([eb("subject_type", "=", "letter"), eb("subject_id", "=", String(letterId))]),
        eb.and([
          eb("subject_type", "=", "campaign_link"),
          eb(
            "subject_id",
            "in",
            eb
              .selectFrom("campaign_links")
              .select(sql<string>`id::text`.as("id"))
              .where("letter_id", "=", letterId),
          ),
        ]),
      ]),
    )
    .orderBy("id", "desc")
    .limit(200)
    .execute();
}

/**
 * Whether a new signature may be stored now (called inside the signing transaction, with the
 * letter row share-locked so that a `close` committing at the same moment waits for it, or it
 * for the close): never when closed; before launch only with a working invitation, whether the
 * signature comes from the public form, a label rep signing or a rep listing a roster.
 */
export async function assertSigningOpen(trx: Db, letterId: number, invitationId: string | null | undefined): Promise<void> {
  const row = await trx.selectFrom("letters").select("campaign_state").where("id", "=", letterId).forShare().executeTakeFirstOrThrow();
  if (row.campaign_state === "closed") throw new SigningClosedError("closed");
  if (row.campaign_state === "public") return;
  const link = invitationId
    ? await trx
        .selectFrom("campaign_links")
        .select("id")
        .where("id", "=", invitationId)
        .where("letter_id", "=", letterId)
        .where("purpose", "=", "invitation")
        .where("revoked_at", "is", null)
        .where("expires_at", ">", sql<Date>`now()`)
        .executeTakeFirst()
    : undefined;
  if (!link) throw new SigningClosedError("invitation_only");
}

/** Why a request that `accessFor` does not let sign is refused: the letter closed, or not yet open to it. */
export function signingRefusal(access: Pick<CampaignAccess, "state">): SigningClosedError {
  return new SigningClosedError(access.state === "closed" ? "closed" : "invitation_only");
}

export class SigningClosedError extends Error {
  constructor(readonly code: "closed" | "invitation_only") {
    super(
      code === "closed"
        ? "This letter is closed: it no longer takes signatures."
        : "Until the letter is public, it can be signed only from an invitation link.",
    );
    this.name = "SigningClosedError";
  }
}
