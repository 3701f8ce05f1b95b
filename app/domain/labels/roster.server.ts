import { sql } from "kysely";
import type { Db } from "../../../db/client";
import type { LetterVersion } from "../letter/letter.server";
import { normaliseEmail } from "../signatures/email";
import { createSignature, refusedAs, transition } from "../signatures/lifecycle.server";
import { ROLES, type Role } from "../signatures/states";
import { findToken } from "../signatures/tokens.server";
import { nameKey, searchKey } from "../signatures/text";
import type { Rep } from "./labels.server";
import { ROSTER_LIMITS, parseRoster, type RosterParse } from "./roster-csv";

export { ROSTER_LIMITS };

/**
 * A label's roster (issue 11): artists the label lists, each a `roster` signature "via" the label,
 * pending until a moderator approves it. An artist with an address is told, and can confirm the
 * entry or withdraw it; without an address the entry says publicly that the artist has not.
 */

/** The live entries of a label block a second entry of the same name or address. */
const LIVE = ["pending", "approved", "rejected"] as const;

/** Seven days without an answer: the one reminder. */
export const REMINDER_AFTER_MS = 7 * 24 * 3600 * 1000;

export interface RosterRowInput {
  displayName: string;
  role: Role;
  country: string;
  link?: string | null;
  artistEmail?: string | null;
}

/** The rows of a preview with no error, ready for saveRoster; undefined when any row has one. */
export function checkedRows(parsed: RosterParse): RosterRowInput[] | undefined {
  if (!parsed.ok || parsed.invalid > 0 || parsed.rows.length === 0) return undefined;
  const rows: RosterRowInput[] = [];
  for (const { values } of parsed.rows) {
    const role = ROLES.find((r) => r === values.role);
    if (!role) return undefined;
    rows.push({ displayName: values.name, role, country: values.country, link: values.link ?? null, artistEmail: values.email ?? null });
  }
  return rows;
}

/**
 * What a new row is checked against: this label's live names and artist addresses, the names whose
 * artist withdrew from this label's listing (never listed again by the label), and its domain (an
 * artist's address is their own, not one at the label).
 */
export async function rosterTaken(db: Db, labelId: string, letterId: number) {
  const [rows, withdrawn, label] = await Promise.all([
    db
      .selectFrom("signatures")
      .select(["name_key", "artist_email_normalized"])
      .where("letter_id", "=", letterId)
      .where("label_id", "=", labelId)
      .where("kind", "=", "roster")
      .where("state", "in", LIVE)
      .execute(),
    db
      .selectFrom("signatures as s")
      .select("s.name_key")
      .where("s.letter_id", "=", letterId)
      .where("s.label_id", "=", labelId)
      .where("s.kind", "=", "roster")
      .where("s.state", "=", "withdrawn")
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom("audit_log as a")
            .select("a.id")
            .where("a.subject_type", "=", "signature")
            .whereRef("a.subject_id", "=", sql<string>`s.id::text`)
            .where("a.action", "=", "withdraw")
            .where("a.actor", "=", "signer"),
        ),
      )
      .execute(),
    db.selectFrom("labels").select("domain").where("id", "=", labelId).executeTakeFirstOrThrow(),
  ]);
  return {
    nameKeys: new Set(rows.map((r) => r.name_key)),
    withdrawnKeys: new Set(withdrawn.map((r) => r.name_key)),
    emails: new Set(rows.flatMap((r) => (r.artist_email_normalized ? [r.artist_email_normalized.toLowerCase()] : []))),
    domain: label.domain.toLowerCase(),
  };
}

/** Why an artist's address is refused for this label, or undefined. */
function addressProblem(email: string, taken: Awaited<ReturnType<typeof rosterTaken>>, repEmail: string): string | undefined {
  const host = email.slice(email.lastIndexOf("@") + 1);
  if (email === normaliseEmail(repEmail).toLowerCase()) return "This is your own address: give the artist's";
  if (host === taken.domain || host.endsWith(`.${taken.domain}`)) return "Give the artist's own address, not one at your label's domain";
  if (taken.emails.has(email)) return "This address is already on your roster";
  return undefined;
}

const WITHDREW = "This artist withdrew from your label's listing: only they can add their name again, by signing themselves";

/** The roster as the rep gave it: an uploaded file wins over pasted text; a file over the limit is not read. */
export async function rosterInput(form: FormData | URLSearchParams, pasted: string | undefined): Promise<Uint8Array | string | undefined> {
  const file = form instanceof FormData ? form.get("file") : null;
  if (file && typeof file !== "string" && file.size > 0) {
    // parseRoster refuses it by its size, with the size in the message.
    if (file.size > ROSTER_LIMITS.maxBytes) return new Uint8Array(file.size);
    return new Uint8Array(await file.arrayBuffer());
  }
  return pasted;
}

/** Checks a pasted or uploaded roster against the file rules, each row's fields and this label's list; saves nothing. */
export async function previewRoster(db: Db, rep: Rep, letterId: number, input: string | Uint8Array): Promise<RosterParse> {
  const taken = await rosterTaken(db, rep.labelId, letterId);
  const parsed = parseRoster(input, { repEmail: rep.email, existingNameKeys: taken.nameKeys });
  if (!parsed.ok) return parsed;
  let invalid = 0;
  const rows = parsed.rows.map((row) => {
    const email = row.values.email ? normaliseEmail(row.values.email).toLowerCase() : null;
    const errors = { ...row.errors };
    const problem = email && !errors.email ? addressProblem(email, taken, rep.email) : undefined;
    if (problem) errors.email = problem;
    if (!errors.name && taken.withdrawnKeys.has(nameKey(row.values.name))) errors.name = WITHDREW;
    if (Object.keys(errors).length > 0) invalid++;
    return { ...row, errors };
  });
  return { ok: true, rows, valid: rows.length - invalid, invalid };
}

export type SaveOutcome = { status: "saved"; count: number } | { status: "refused"; problems: { index: number; message: string }[] };

/**
 * Saves checked rows, all or nothing: the label is locked, so two saves of one label cannot both
 * pass the duplicate checks; any row refused here (a name or address that is already listed, the
 * rep's own address) refuses the whole save and writes nothing.
 */
export async function saveRoster(
  db: Db,
  rep: Rep,
  letter: Pick<LetterVersion, "letterId" | "versionId" | "title">,
  rows: RosterRowInput[],
  /** Before launch, the invitation the rep's request carries (decision 017). */
  invitationId: string | null = null,
): Promise<SaveOutcome> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom("labels").select("id").where("id", "=", rep.labelId).forUpdate().executeTakeFirstOrThrow();
    const taken = await rosterTaken(trx, rep.labelId, letter.letterId);
    const problems: { index: number; message: string }[] = [];
    const seenNames = new Map<string, number>();
    const seenEmails = new Map<string, number>();
    rows.forEach((row, index) => {
      const key = nameKey(row.displayName);
      const email = row.artistEmail ? normaliseEmail(row.artistEmail).toLowerCase() : null;
      const addressRefused = email ? addressProblem(email, taken, rep.email) : undefined;
      if (taken.withdrawnKeys.has(key)) problems.push({ index, message: WITHDREW });
      else if (taken.nameKeys.has(key)) problems.push({ index, message: "Already on the list from your label" });
      else if (seenNames.has(key)) problems.push({ index, message: `Same name as row ${seenNames.get(key)! + 1}` });
      if (addressRefused) problems.push({ index, message: addressRefused });
      else if (email && seenEmails.has(email)) problems.push({ index, message: `Same address as row ${seenEmails.get(email)! + 1}` });
      seenNames.set(key, seenNames.get(key) ?? index);
      if (email) seenEmails.set(email, seenEmails.get(email) ?? index);
    });
    if (problems.length > 0) return { status: "refused", problems } as const;
    for (const row of rows) {
      await createSignature(
        trx,
        "list",
        {
          letter_id: letter.letterId,
          letter_version_id: letter.versionId,
          kind: "roster",
          label_id: rep.labelId,
          display_name: row.displayName,
          name_key: nameKey(row.displayName),
          search_key: searchKey(row.displayName),
          role: row.role,
          country: row.country,
          link: row.link ?? null,
          artist_email: row.artistEmail ?? null,
          artist_email_normalized: row.artistEmail ? normaliseEmail(row.artistEmail) : null,
          // The label attests that the artist asked to be listed publicly.
          consent_public: true,
          invitation_id: invitationId,
          attested: true,
        },
        { letterTitle: letter.title, actor: `user:${rep.userId}`, reason: `listed by label ${rep.labelId}` },
      );
    }
    return { status: "saved", count: rows.length } as const;
  });
}

/** The rep takes back one of its label's entries (a roster entry or the label's own signature). Another label's id is not found. */
export async function removeLabelEntry(db: Db, rep: Rep, signatureId: string): Promise<"removed" | "not_found" | "refused"> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("signatures")
      .select("id")
      .where("id", "=", signatureId)
      .where("label_id", "=", rep.labelId)
      .where("kind", "in", ["roster", "label"])
      .executeTakeFirst();
    if (!row) return "not_found" as const;
    return transition(trx, row.id, "remove", `user:${rep.userId}`, { reason: "removed by the label" }).then(
      () => "removed" as const,
      refusedAs("refused" as const, "refused"),
    );
  });
}

export interface RosterNoticeView {
  artistName: string;
  labelName: string;
  labelDomain: string;
  letterTitle: string;
  confirmed: boolean;
}

export type RosterLookup =
  | { status: "ok"; signatureId: string; view: RosterNoticeView }
  /** The artist confirmed and also signed themselves: the entry is shown as their own signature. */
  | { status: "merged"; view: RosterNoticeView }
  | { status: "withdrawn" }
  | { status: "invalid" };

/** The listed artist's link: what was listed, by whom. GET changes nothing. */
export async function lookupRosterToken(db: Db, token: string): Promise<RosterLookup> {
  const found = await findToken(db, token, "roster", { includeRevoked: true });
  if (!found || found.expired) return { status: "invalid" };
  const row = await db
    .selectFrom("signatures as s")
    .innerJoin("labels as l", "l.id", "s.label_id")
    .innerJoin("letter_versions as v", "v.id", "s.letter_version_id")
    .select(["s.id", "s.state", "s.display_name", "s.confirmed_at", "s.merged_into", "l.name as label_name", "l.domain", "v.title"])
    .where("s.id", "=", found.signature_id)
    .executeTakeFirst();
  if (!row) return { status: "invalid" };
  // Confirmed, and shown as the artist's own signature: the answer stands (withdrawing is done from their own signature's link).
  if (row.merged_into)
    return {
      status: "merged",
      view: { artistName: row.display_name, labelName: row.label_name, labelDomain: row.domain, letterTitle: row.title, confirmed: true },
    };
  if (row.state === "withdrawn") return { status: "withdrawn" };
  if (found.revoked) return { status: "invalid" };
  return {
    status: "ok",
    signatureId: row.id,
    view: { artistName: row.display_name, labelName: row.label_name, labelDomain: row.domain, letterTitle: row.title, confirmed: row.confirmed_at !== null },
  };
}

export type RosterAnswer = { status: "confirmed" } | { status: "withdrawn" } | { status: "merged" } | { status: "invalid" };

/** The artist's answer: confirm (the entry says so) or withdraw (off every list; the label is told). */
export async function answerRoster(db: Db, token: string, intent: "confirm" | "withdraw"): Promise<RosterAnswer> {
  const found = await lookupRosterToken(db, token);
  if (found.status === "withdrawn") return { status: "withdrawn" };
  if (found.status === "merged") return { status: "merged" };
  if (found.status !== "ok") return { status: "invalid" };
  return db.transaction().execute(async (trx) => {
    if (intent === "withdraw") {
      return transition(trx, found.signatureId, "withdraw", "signer", { reason: "the listed artist withdrew" }).then(
        () => ({ status: "withdrawn" }) as const,
        refusedAs({ status: "withdrawn" } as const, "refused", "not_found"),
      );
    }
    if (found.view.confirmed) return { status: "confirmed" } as const;
    return transition(trx, found.signatureId, "artist_confirm", "signer").then(
      () => ({ status: "confirmed" }) as const,
      refusedAs({ status: "invalid" } as const, "refused", "not_found"),
    );
  });
}

/**
 * Once, 7 days after the notice, to a listed artist who has neither confirmed nor withdrawn; run by
 * the housekeeping tick in any number of processes (rows are claimed with SKIP LOCKED).
 */
export async function sendRosterReminders(db: Db, now = new Date(), batch = 200): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom("signatures")
      .select("id")
      .where("kind", "=", "roster")
      .where("confirmed_at", "is", null)
      .where("reminded_at", "is", null)
      .where("artist_email", "is not", null)
      .where("state", "in", ["pending", "approved"])
      .where("created_at", "<", new Date(now.getTime() - REMINDER_AFTER_MS))
      .orderBy("created_at")
      .limit(batch)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const row of due) await transition(trx, row.id, "remind", "system");
    return due.length;
  });
}
