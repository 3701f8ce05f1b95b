import { sql, type Insertable, type Updateable } from "kysely";
import type { Db } from "../../../db/client";
import type { Signatures } from "../../../db/schema";
import { DEFAULT_LANGUAGE } from "../../i18n";
import { recordAudit } from "../audit/audit.server";
import { assertSigningOpen } from "../campaign/campaign.server";
import { enqueue, redactRecipient } from "../outbox/enqueue.server";
import { normaliseEmail } from "./email";
import { SIGNATURE_STATES, type SignatureState } from "./states";
import { issueToken } from "./tokens.server";

/**
 * A signature's whole life (docs/decisions/011): every event, the one table of which state each
 * event may start from and where it leads, and the one function that applies an event. Nothing
 * else writes to `signatures`: sign, confirm, manage, decide and bulk all come here.
 */

/** Before a signature exists. */
export const NEW = "new" as const;
type From = SignatureState | typeof NEW;

/** `same`: the event changes facts about the signature, not its state. */
type Target = SignatureState | "same";

const { unconfirmed, pending, approved, rejected, withdrawn, quarantined } = SIGNATURE_STATES;

export const TRANSITIONS = {
  /** The public form: waits for the email link. */
  sign: { [NEW]: unconfirmed },
  /** The public form over a rate limit: held silently, no email (decision 008). */
  quarantine: { [NEW]: quarantined },
  /** A label rep lists a roster artist: the rep's address is proven, so it waits for a moderator. */
  list: { [NEW]: pending },
  /** A label rep signs for the label. */
  sign_as_label: { [NEW]: pending },
  /** The email link's POST, or the code. */
  confirm: { [unconfirmed]: pending },
  // Only a confirmed address can be approved: a quarantined signature is released first.
  approve: { [pending]: approved },
  reject: { [pending]: rejected, [quarantined]: rejected, [unconfirmed]: rejected },
  /** Takes an approved name off the public list again. */
  hide: { [approved]: rejected },
  feature: { [approved]: "same", [pending]: "same" },
  unfeature: { [approved]: "same", [pending]: "same", [rejected]: "same" },
  /** Out of quarantine: the confirmation email the signer never got is sent now. */
  release: { [quarantined]: unconfirmed },
  /** The signer changed what the public sees: an approved name is checked again. */
  edit: { [unconfirmed]: "same", [pending]: "same", [approved]: pending, [rejected]: "same" },
  /** The signer changed details that are not published (the link and comment moderators read). */
  amend: { [unconfirmed]: "same", [pending]: "same", [approved]: "same", [rejected]: "same" },
  /** The signer takes it back: off every public output, private fields erased, whatever a moderator decided. */
  withdraw: { [unconfirmed]: withdrawn, [pending]: withdrawn, [approved]: withdrawn, [rejected]: withdrawn, [quarantined]: withdrawn },
  /** The rep takes its own roster entry or label signature back. */
  remove: { [pending]: withdrawn, [approved]: withdrawn, [rejected]: withdrawn },
  /** The listed artist confirmed the roster entry from the email they were sent. */
  artist_confirm: { [pending]: "same", [approved]: "same", [rejected]: "same" },
  /** The one reminder to a listed artist who has not answered. */
  remind: { [pending]: "same", [approved]: "same" },
  /** A roster entry whose artist signed themselves: shown once, as their own signature (which notes the label). */
  merge: { [pending]: withdrawn, [approved]: withdrawn, [rejected]: withdrawn },
  /** The label that also listed an artist, noted on the artist's own signature. */
  note_label: { [pending]: "same", [approved]: "same" },
  mark_notable: { [unconfirmed]: "same", [pending]: "same", [approved]: "same", [rejected]: "same", [quarantined]: "same" },
  unmark_notable: { [unconfirmed]: "same", [pending]: "same", [approved]: "same", [rejected]: "same", [quarantined]: "same" },
  /** A moderator records how a notable name was checked out of band. */
  identity_check: { [unconfirmed]: "same", [pending]: "same", [approved]: "same", [rejected]: "same", [quarantined]: "same" },
} as const satisfies Record<string, Partial<Record<From, Target>>>;

export type SignatureEvent = keyof typeof TRANSITIONS;
export const SIGNATURE_EVENTS = Object.keys(TRANSITIONS) as SignatureEvent[];
/** Events that create the row. */
export const CREATING_EVENTS = ["sign", "quarantine", "list", "sign_as_label"] as const satisfies SignatureEvent[];
type CreatingEvent = (typeof CREATING_EVENTS)[number];
export type ExistingEvent = Exclude<SignatureEvent, CreatingEvent>;

/** Where `event` leads from `state`, or undefined when the table refuses it. */
export function nextState(state: From, event: SignatureEvent): SignatureState | undefined {
  const target = (TRANSITIONS[event] as Partial<Record<From, Target>>)[state];
  if (target === undefined) return undefined;
  if (target !== "same") return target;
  return state === NEW ? undefined : state;
}

/** The events a signature in `state` allows: what the admin pages offer as buttons. */
export function allowedEvents(state: SignatureState): ExistingEvent[] {
  return SIGNATURE_EVENTS.filter((e): e is ExistingEvent => nextState(state, e) !== undefined);
}

/** `signer`, `system`, or `user:<id>` for a moderator or admin (as in the audit log). */
export type Actor = "signer" | "system" | `user:${string}`;

export type TransitionErrorCode =
  /** No such signature. */
  | "not_found"
  /** The signature is no longer in the state the caller saw: someone else acted first. */
  | "conflict"
  /** The table does not allow this event from the current state. */
  | "refused"
  /** A notable name without a recorded identity check cannot be approved. */
  | "needs_identity_check";

/** What the domain throws when an event cannot happen, before it writes; callers turn it into an outcome (decide.server.ts) that routes answer with 400/404/409. */
export class TransitionError extends Error {
  constructor(
    readonly code: TransitionErrorCode,
    readonly state: SignatureState | undefined,
    message: string,
  ) {
    super(message);
    this.name = "TransitionError";
  }
}

/** For `.catch()`: a TransitionError with one of `codes` becomes `value`; anything else is rethrown. */
export function refusedAs<T>(value: T, ...codes: TransitionErrorCode[]) {
  return (error: unknown): T => {
    if (error instanceof TransitionError && codes.includes(error.code)) return value;
    throw error;
  };
}

/** The public fields a signer or the form sets. */
export type PublicFields = Pick<
  Updateable<Signatures>,
  "display_name" | "name_key" | "search_key" | "role" | "country" | "link" | "comment" | "named" | "consent_public"
>;

export interface TransitionOptions {
  /** The state the caller saw: if it changed meanwhile, the event is refused as a conflict. */
  expected?: SignatureState;
  /**
   * The version the caller saw (`signatureVersion`): a moderator approves the name they read, so an
   * edit since then is a conflict too.
   */
  expectedVersion?: string;
  /** Why (a reason code, a note): kept in the audit log. */
  reason?: string | null;
  /** For reject and hide. */
  rejection?: { reason: string; note: string | null };
  /** For edit and amend. */
  fields?: Partial<PublicFields>;
  /** For identity_check: how it was checked. */
  identityCheck?: string;
  /** Written to the audit log as `bulk_<event>`. */
  bulk?: boolean;
  /** For merge: the artist's own signature the roster entry is shown as. */
  mergeInto?: string;
  /** For note_label. */
  labelId?: string;
}

export interface Transitioned {
  id: string;
  before: SignatureState;
  state: SignatureState;
}

/**
 * Applies one event to one signature inside the caller's transaction: locks the row, checks the
 * expected state and the table, updates it, writes one audit row and queues the emails the event
 * sends. Throws a TransitionError, having written nothing, when the event cannot happen.
 */
export async function transition(trx: Db, id: string, event: ExistingEvent, actor: Actor, opts: TransitionOptions = {}): Promise<Transitioned> {
  const row = await trx
    .selectFrom("signatures as s")
    .innerJoin("letter_versions as v", "v.id", "s.letter_version_id")
    .select((eb) => [
      "s.id",
      "s.state",
      "s.email",
      "s.display_name",
      "s.is_notable",
      "s.identity_check",
      "s.kind",
      "s.label_id",
      "s.email_normalized",
      "s.artist_email",
      "v.letter_id",
      "v.title",
      "s.language",
      sql<string>`s.updated_at::text`.as("version"),
      eb.exists(eb.selectFrom("notable_names as n").select("n.name_key").whereRef("n.name_key", "=", "s.name_key")).as("on_notable_list"),
    ])
    .where("s.id", "=", id)
    .forUpdate("s")
    .executeTakeFirst();
  if (!row) throw new TransitionError("not_found", undefined, "No such signature");
  if (opts.expected && row.state !== opts.expected) throw new TransitionError("conflict", row.state, `This signature is now ${row.state}`);
  if (opts.expectedVersion !== undefined && row.version !== opts.expectedVersion) {
    throw new TransitionError("conflict", row.state, "This signature was changed since you looked at it");
  }
  const to = nextState(row.state, event);
  if (!to) throw new TransitionError("refused", row.state, `Cannot ${event.replace("_", " ")} a signature that is ${row.state}`);
  if (event === "approve" && (row.is_notable || row.on_notable_list) && !row.identity_check) {
    throw new TransitionError("needs_identity_check", row.state, "This name is notable: record how the identity was checked before approving");
  }

  const now = new Date();
  const decided = event === "approve" || event === "reject" || event === "hide" || event === "release";
  const set: Updateable<Signatures> = {
    state: to,
    updated_at: now,
    ...(decided ? { decided_by: actor.startsWith("user:") ? actor.slice(5) : null, decided_at: now } : {}),
  };
  switch (event) {
    case "confirm":
      set.confirmed_at = now;
      break;
    case "approve":
      Object.assign(set, { approved_at: now, rejection_reason: null });
      break;
    case "reject":
    case "hide":
      Object.assign(set, { rejection_reason: opts.rejection?.reason ?? null, decision_note: opts.rejection?.note ?? null, is_featured: false });
      break;
    case "feature":
    case "unfeature":
      set.is_featured = event === "feature";
      break;
    case "release":
      set.quarantine_reason = null;
      break;
    case "edit":
      // A new public name is a new claim: an earlier identity check and featuring were for the old one.
      Object.assign(set, opts.fields ?? {}, { identity_check: null, is_featured: false });
      break;
    case "amend":
      Object.assign(set, opts.fields ?? {});
      break;
    case "withdraw":
    case "remove":
    case "merge":
      Object.assign(set, ERASED, { withdrawn_at: now, is_featured: false }, event === "merge" ? { merged_into: opts.mergeInto ?? null } : {});
      break;
    case "artist_confirm":
      set.confirmed_at = now;
      break;
    case "remind":
      set.reminded_at = now;
      break;
    case "note_label":
      set.label_id = opts.labelId ?? null;
      break;
    case "mark_notable":
    case "unmark_notable":
      set.is_notable = event === "mark_notable";
      break;
    case "identity_check":
      set.identity_check = opts.identityCheck ?? null;
      break;
  }
  await trx.updateTable("signatures").set(set).where("id", "=", row.id).execute();
  await recordAudit(trx, {
    actor,
    action: opts.bulk ? `bulk_${event}` : event,
    subjectType: "signature",
    subjectId: row.id,
    before: row.state,
    after: to,
    reason: opts.reason ?? null,
  });

  // What the event sends, in the same transaction (the outbox).
  if (event === "confirm" && row.email) {
    const { token: manageToken } = await issueToken(trx, row.id, "manage");
    await enqueue(trx, "signature-confirmed", row.email, { displayName: row.display_name, letterTitle: row.title, manageToken }, row.language);
  }
  if (event === "release" && row.email) {
    await sendConfirmation(trx, { id: row.id, email: row.email, displayName: row.display_name, letterTitle: row.title, language: row.language });
  }
  if (to === withdrawn) {
    // The addresses also sit on emails sent to them: keep the records, drop the address and contents.
    if (row.email) await redactRecipient(trx, row.email, "signature withdrawn");
    // Only the roster notices: the address may also be someone's own (their sign-in or confirmation emails are theirs).
    if (row.artist_email) await redactRecipient(trx, row.artist_email, "roster entry withdrawn", ["roster-notice"]);
    await trx.updateTable("signature_tokens").set({ revoked_at: now }).where("signature_id", "=", row.id).where("revoked_at", "is", null).execute();
    // The artist took their name off a label's roster: the label is told (a rep removing it knows).
    if (event === "withdraw" && row.kind === "roster" && row.label_id) {
      for (const rep of await labelReps(trx, row.label_id)) {
        await enqueue(trx, "roster-withdrawn", rep.email, { artistName: row.display_name, labelName: rep.label_name, letterTitle: row.title });
      }
    }
  }
  if (event === "remind" && row.artist_email && row.label_id) await sendRosterNotice(trx, row.id, row.artist_email, row.label_id, true);
  // Shown once: an artist's own approved signature and a roster entry the artist confirmed from
  // their email (the address proves it is the same person; a label's claim alone never touches it).
  if (event === "approve" && row.kind === "artist" && row.email_normalized) await mergeRosterEntries(trx, row.letter_id, row.email_normalized);
  if (event === "artist_confirm" && row.kind === "roster" && row.artist_email) {
    await mergeRosterEntries(trx, row.letter_id, normaliseEmail(row.artist_email));
  }
  return { id: row.id, before: row.state, state: to };
}

/** What withdrawal erases: every private field, the roster artist's address too. */
const ERASED = {
  email: null,
  email_normalized: null,
  email_domain: null,
  private_name: null,
  ip_hash: null,
  artist_email: null,
  artist_email_normalized: null,
} satisfies Updateable<Signatures>;

/** The active reps of a label, who are told what happens to its roster. */
async function labelReps(trx: Db, labelId: string) {
  return trx
    .selectFrom("users as u")
    .innerJoin("labels as l", "l.id", "u.label_id")
    .select(["u.email", "l.name as label_name"])
    .where("u.label_id", "=", labelId)
    .where("u.disabled_at", "is", null)
    .execute();
}

/**
 * The artist's own approved signature and the roster entries with the same address that the
 * artist confirmed: the entries are withdrawn as merged, and the signature notes the first label.
 */
async function mergeRosterEntries(trx: Db, letterId: number, emailNormalized: string): Promise<void> {
  const own = await trx
    .selectFrom("signatures")
    .select(["id", "label_id"])
    .where("letter_id", "=", letterId)
    .where("kind", "=", "artist")
    .where("email_normalized", "=", emailNormalized)
    .where("state", "=", approved)
    .executeTakeFirst();
  if (!own) return;
  const entries = await trx
    .selectFrom("signatures")
    .select(["id", "label_id"])
    .where("letter_id", "=", letterId)
    .where("kind", "=", "roster")
    .where("artist_email_normalized", "=", emailNormalized)
    .where("confirmed_at", "is not", null)
    .where("state", "in", [pending, approved])
    .orderBy("id")
    .execute();
  for (const entry of entries) {
    await transition(trx, entry.id, "merge", "system", { mergeInto: own.id, reason: `shown as the artist's own signature ${own.id}` });
  }
  const labelId = entries.find((e) => e.label_id)?.label_id;
  if (labelId && !own.label_id) await transition(trx, own.id, "note_label", "system", { labelId });
}

/** Tells a listed artist about the entry, with a link to confirm or withdraw it (once more as the reminder). */
async function sendRosterNotice(trx: Db, signatureId: string, artistEmail: string, labelId: string, reminder: boolean): Promise<void> {
  const row = await trx
    .selectFrom("signatures as s")
    .innerJoin("labels as l", "l.id", "s.label_id")
    .innerJoin("letter_versions as v", "v.id", "s.letter_version_id")
    .select(["s.display_name", "s.language", "l.name as label_name", "l.domain", "v.title"])
    .where("s.id", "=", signatureId)
    .where("l.id", "=", labelId)
    .executeTakeFirstOrThrow();
  // The first email's link keeps working beside the reminder's: an artist may answer either.
  const { token } = await issueToken(trx, signatureId, "roster");
  await enqueue(
    trx,
    "roster-notice",
    artistEmail,
    {
      artistName: row.display_name,
      labelName: row.label_name,
      labelDomain: row.domain,
      letterTitle: row.title,
      token,
      reminder,
    },
    row.language,
  );
}

/** The columns the public form gives a new signature; the state comes from the table. */
export type NewSignature = Omit<Insertable<Signatures>, "state">;

export type Created = { status: "created"; id: string; state: SignatureState } | { status: "exists" };

/**
 * The creating events: inserts the signature in the state the table gives (unless its address
 * signed this letter already), audits it, and for `sign` sends the confirmation email.
 */
export async function createSignature(
  trx: Db,
  event: CreatingEvent,
  values: NewSignature,
  ctx: { letterTitle: string; reason?: string | null; actor?: Actor },
): Promise<Created> {
  const state = nextState(NEW, event)!;
  // The letter's launch state decides first (decision 017): nothing new once it is closed, and
  // before launch only through a working invitation (the signer's own, or the label rep's).
  await assertSigningOpen(trx, values.letter_id, values.invitation_id);
  const inserted = await trx
    .insertInto("signatures")
    .values({ ...values, state })
    .onConflict((oc) => oc.columns(["letter_id", "email_normalized"]).where("email_normalized", "is not", null).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) return { status: "exists" };
  await recordAudit(trx, {
    actor: ctx.actor ?? "signer",
    action: event,
    subjectType: "signature",
    subjectId: inserted.id,
    after: state,
    reason: ctx.reason ?? null,
  });
  if (event === "sign" && values.email) {
    await sendConfirmation(trx, {
      id: inserted.id,
      email: values.email,
      displayName: values.display_name,
      letterTitle: ctx.letterTitle,
      language: values.language ?? DEFAULT_LANGUAGE,
    });
  }
  if (event === "list" && values.label_id && values.artist_email) {
    // Always told, whether or not the address signed: the label never learns that from us.
    await sendRosterNotice(trx, inserted.id, values.artist_email, String(values.label_id), false);
  }
  return { status: "created", id: inserted.id, state };
}

/** A confirmation link and code, by email, in the signer's language: at signing, on release, or again when the signer asks. */
export async function sendConfirmation(trx: Db, s: { id: string; email: string; displayName: string; letterTitle: string; language: string }): Promise<void> {
  const { token, code, expiresAt } = await issueToken(trx, s.id, "confirm", true);
  await enqueue(
    trx,
    "confirm-signature",
    s.email,
    { displayName: s.displayName, letterTitle: s.letterTitle, token, code: code!, expiresAt: expiresAt.toISOString() },
    s.language,
  );
}

/** Counts a "someone tried to sign again" email (capped per signature by the caller). */
export async function countNotice(trx: Db, id: string): Promise<void> {
  await trx
    .updateTable("signatures")
    .set((eb) => ({ notices_sent: eb("notices_sent", "+", 1) }))
    .where("id", "=", id)
    .execute();
}

/** Marks a confirmation token spent (the link or the code that confirmed). */
export async function spendToken(trx: Db, tokenId: string): Promise<void> {
  await trx.updateTable("signature_tokens").set({ used_at: new Date() }).where("id", "=", tokenId).execute();
}

/** A label merged into another (labels.server.ts mergeLabels): its signatures, and artists' own signatures noting it, now name the other. */
export async function moveToLabel(trx: Db, fromLabelId: string, intoLabelId: string): Promise<void> {
  await trx.updateTable("signatures").set({ label_id: intoLabelId, updated_at: new Date() }).where("label_id", "=", fromLabelId).execute();
}
