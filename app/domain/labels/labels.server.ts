import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";
import type { LetterVersion } from "../letter/letter.server";
import { createSignature, moveToLabel, transition } from "../signatures/lifecycle.server";
import { nameKey, searchKey } from "../signatures/text";
import { dnsRecord } from "./dns.server";

/** A signed-in label rep and the one label it acts for. Every /label query is scoped by `labelId`. */
export interface Rep {
  userId: string;
  email: string;
  name: string | null;
  labelId: string;
}

/** The rep behind a `label_rep` session, or undefined (a removed rep, a merged-away label). */
export async function repOf(db: Db, userId: string): Promise<Rep | undefined> {
  const row = await db
    .selectFrom("users as u")
    .innerJoin("labels as l", "l.id", "u.label_id")
    .select(["u.id", "u.email", "u.name", "l.id as label_id"])
    .where("u.id", "=", userId)
    .where("u.role", "=", "label_rep")
    .where("u.disabled_at", "is", null)
    .where("l.merged_into", "is", null)
    .executeTakeFirst();
  return row && { userId: row.id, email: row.email, name: row.name, labelId: row.label_id };
}

const STATE_TEXT = {
  pending: "Waiting for a moderator",
  approved: "On the public list",
  rejected: "Not approved by a moderator",
  withdrawn: "Withdrawn",
} as const;

/** What the rep's dashboard shows: its label, proofs, reps, the label's signature and roster. */
export async function labelDashboard(db: Db, labelId: string, letterId: number) {
  const label = await db
    .selectFrom("labels")
    .select(["id", "name", "domain", "website", "domain_verified_at", "dns_token", "dns_verified_at"])
    .where("id", "=", labelId)
    .executeTakeFirstOrThrow();
  const [reps, entries] = await Promise.all([
    labelReps(db, labelId),
    db
      .selectFrom("signatures")
      .select([
        "id",
        "kind",
        "state",
        "display_name",
        "role",
        "country",
        "confirmed_at",
        "merged_into",
        sql<boolean>`artist_email is not null`.as("has_email"),
        sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD')`.as("listed_on"),
      ])
      .where("letter_id", "=", letterId)
      .where("label_id", "=", labelId)
      .where("kind", "in", ["label", "roster"])
      .orderBy("id", "desc")
      .limit(2000)
      .execute(),
  ]);
  const signature = entries.find((e) => e.kind === "label" && e.state !== "withdrawn");
  const roster = entries
    .filter((e) => e.kind === "roster")
    .map((e) => ({
      id: e.id,
      name: e.display_name,
      role: e.role,
      country: e.country,
      listedOn: e.listed_on,
      state: e.state,
      stateText: e.merged_into ? "Shown as the artist's own signature" : e.state in STATE_TEXT ? STATE_TEXT[e.state as keyof typeof STATE_TEXT] : e.state,
      artist: e.confirmed_at
        ? "Confirmed by the artist"
        : e.has_email
          ? "Artist told, not yet confirmed"
          : "No address given: shown as not confirmed by the artist",
      removable: e.state !== "withdrawn",
    }));
  return {
    label: {
      id: label.id,
      name: label.name,
      domain: label.domain,
      website: label.website,
      domainConfirmed: label.domain_verified_at !== null,
      dnsConfirmed: label.dns_verified_at !== null,
      dnsRecord: label.dns_token ? dnsRecord(label.dns_token) : null,
    },
    reps: reps.map((r) => ({ id: r.id, name: r.name, email: r.email })),
    signature: signature
      ? { id: signature.id, state: signature.state, stateText: STATE_TEXT[signature.state as keyof typeof STATE_TEXT] ?? signature.state }
      : null,
    roster,
  };
}

export type SignAsLabelOutcome = { status: "signed" } | { status: "already" };

/** The rep signs for the label: one `label` signature per label, pending a moderator. */
export async function signAsLabel(
  db: Db,
  rep: Rep,
  letter: Pick<LetterVersion, "letterId" | "versionId" | "title">,
  input: { country: string; statement?: string },
  /** Before launch, the invitation the rep's request carries (decision 017). */
  invitationId: string | null = null,
): Promise<SignAsLabelOutcome> {
  return db.transaction().execute(async (trx) => {
    const label = await trx.selectFrom("labels").select(["id", "name"]).where("id", "=", rep.labelId).forUpdate().executeTakeFirstOrThrow();
    const existing = await trx
      .selectFrom("signatures")
      .select("id")
      .where("letter_id", "=", letter.letterId)
      .where("label_id", "=", label.id)
      .where("kind", "=", "label")
      .where("state", "<>", "withdrawn")
      .executeTakeFirst();
    if (existing) return { status: "already" } as const;
    await createSignature(
      trx,
      "sign_as_label",
      {
        letter_id: letter.letterId,
        letter_version_id: letter.versionId,
        kind: "label",
        label_id: label.id,
        display_name: label.name,
        name_key: nameKey(label.name),
        search_key: searchKey(label.name),
        role: "other",
        country: input.country,
        comment: input.statement || null,
        consent_public: true,
        attested: true,
        // The rep's address at the label's domain was confirmed when they joined.
        confirmed_at: new Date(),
        invitation_id: invitationId,
      },
      { letterTitle: letter.title, actor: `user:${rep.userId}`, reason: `signed for label ${label.id}` },
    );
    return { status: "signed" } as const;
  });
}

/** Every label, for moderators: proofs, reps and how many entries. */
export async function listLabels(db: Db) {
  return db
    .selectFrom("labels as l")
    .select((eb) => [
      "l.id",
      "l.name",
      "l.domain",
      "l.merged_into",
      sql<boolean>`l.domain_verified_at is not null`.as("domain_confirmed"),
      sql<boolean>`l.dns_verified_at is not null`.as("dns_confirmed"),
      eb
        .selectFrom("signatures as s")
        .select(sql<number>`count(*)::int`.as("n"))
        .whereRef("s.label_id", "=", "l.id")
        .where("s.kind", "=", "roster")
        .as("roster_count"),
    ])
    .orderBy("l.name")
    .execute();
}

export async function labelReps(db: Db, labelId: string) {
  return db.selectFrom("users").select(["id", "name", "email"]).where("label_id", "=", labelId).where("disabled_at", "is", null).orderBy("id").execute();
}

export class LabelRuleError extends Error {
  override name = "LabelRuleError";
}

/** A moderator renames a label: its signature shows the new name, checked again by a moderator. */
export async function renameLabel(db: Db, actorId: string, labelId: string, name: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const label = await trx.selectFrom("labels").select(["id", "name"]).where("id", "=", labelId).forUpdate().executeTakeFirst();
    if (!label) throw new LabelRuleError("There is no such label.");
    if (label.name === name) return;
    await trx.updateTable("labels").set({ name, updated_at: new Date() }).where("id", "=", labelId).execute();
    await recordAudit(trx, { actor: `user:${actorId}`, action: "label_rename", subjectType: "label", subjectId: labelId, before: label.name, after: name });
    const signature = await trx
      .selectFrom("signatures")
      .select("id")
      .where("label_id", "=", labelId)
      .where("kind", "=", "label")
      .where("state", "in", ["pending", "approved", "rejected"])
      .executeTakeFirst();
    if (signature) {
      await transition(trx, signature.id, "edit", `user:${actorId}`, {
        fields: { display_name: name, name_key: nameKey(name), search_key: searchKey(name) },
        reason: "label renamed",
      });
    }
  });
}

/**
 * A moderator merges a label into another (the same organisation joined twice): its reps and
 * entries move; an entry the target already has (its own signature, the same artist) is removed.
 */
export async function mergeLabels(db: Db, actorId: string, fromId: string, intoId: string): Promise<void> {
  if (fromId === intoId) throw new LabelRuleError("Choose a different label to merge into.");
  await db.transaction().execute(async (trx) => {
    const both = await trx.selectFrom("labels").select(["id", "merged_into"]).where("id", "in", [fromId, intoId]).orderBy("id").forUpdate().execute();
    if (both.length !== 2 || both.some((l) => l.merged_into)) throw new LabelRuleError("Both labels must exist and not be merged already.");
    const actor = `user:${actorId}` as const;
    const target = await trx
      .selectFrom("signatures")
      .select(["kind", "name_key", "artist_email_normalized"])
      .where("label_id", "=", intoId)
      .where("state", "<>", "withdrawn")
      .execute();
    const targetNames = new Set(target.filter((t) => t.kind === "roster").map((t) => t.name_key));
    const targetEmails = new Set(target.flatMap((t) => (t.kind === "roster" && t.artist_email_normalized ? [t.artist_email_normalized.toLowerCase()] : [])));
    const targetSigned = target.some((t) => t.kind === "label");
    const moving = await trx
      .selectFrom("signatures")
      .select(["id", "kind", "name_key", "state", "artist_email_normalized"])
      .where("label_id", "=", fromId)
      .where("kind", "in", ["label", "roster"])
      .execute();
    for (const entry of moving) {
      const duplicate =
        entry.kind === "label"
          ? targetSigned
          : targetNames.has(entry.name_key) || (entry.artist_email_normalized !== null && targetEmails.has(entry.artist_email_normalized.toLowerCase()));
      if (duplicate && entry.state !== "withdrawn") await transition(trx, entry.id, "remove", actor, { reason: `label ${fromId} merged into ${intoId}` });
    }
    await moveToLabel(trx, fromId, intoId);
    await trx.updateTable("users").set({ label_id: intoId }).where("label_id", "=", fromId).execute();
    await trx.updateTable("labels").set({ merged_into: intoId, updated_at: new Date() }).where("id", "=", fromId).execute();
    await recordAudit(trx, { actor, action: "label_merge", subjectType: "label", subjectId: fromId, after: `merged into ${intoId}` });
  });
}
