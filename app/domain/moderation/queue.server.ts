import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { nameKey } from "../signatures/text";
import { SIGNATURE_STATES, type Role, type SignatureKind, type SignatureState } from "../signatures/states";

export interface QueueFilters {
  state: SignatureState;
  order: "oldest" | "newest";
  kind?: SignatureKind;
  country?: string;
  role?: Role;
  /** A name (fuzzy), an email address, @domain, or an IP hash. */
  q?: string;
  flagged?: boolean;
}

export const QUEUE_PAGE = 50;
/** How many signatures from one domain or IP in a day make a hint worth showing. */
export const CLUSTER_HINT = 5;
/** Signatures from one domain or IP hash in the last hour that flag it as trending. */
export const TRENDING_THRESHOLD = 20;

/** The moderation queue with the hints beside each row. Moderators only: it shows private fields. */
export async function listQueue(db: Db, f: QueueFilters) {
  const q = f.q?.trim();
  let query = db
    .selectFrom("signatures as s")
    .select((eb) => [
      "s.id",
      "s.state",
      "s.kind",
      "s.display_name as displayName",
      "s.private_name as privateName",
      "s.role",
      "s.country",
      "s.link",
      "s.comment",
      "s.email",
      "s.email_domain as emailDomain",
      "s.ip_hash as ipHash",
      "s.is_featured as featured",
      "s.named",
      "s.identity_check as identityCheck",
      "s.quarantine_reason as quarantineReason",
      "s.created_at as createdAt",
      sql<string>`s.updated_at::text`.as("version"),
      // A label's signature or roster entry: which label, how its domain was proven, whether the artist confirmed.
      eb.selectFrom("labels as l").select("l.name").whereRef("l.id", "=", "s.label_id").as("labelName"),
      eb.selectFrom("labels as l").select("l.domain").whereRef("l.id", "=", "s.label_id").as("labelDomain"),
      eb
        .selectFrom("labels as l")
        .select(sql<boolean>`l.domain_verified_at is not null`.as("v"))
        .whereRef("l.id", "=", "s.label_id")
        .as("labelDomainConfirmed"),
      eb
        .selectFrom("labels as l")
        .select(sql<boolean>`l.dns_verified_at is not null`.as("v"))
        .whereRef("l.id", "=", "s.label_id")
        .as("labelDnsConfirmed"),
      sql<boolean>`s.confirmed_at is not null`.as("confirmed"),
      sql<boolean>`s.artist_email is not null`.as("artistTold"),
      // Where the label says the artist reads email: a moderator can tell an artist's own mailbox from the label's.
      sql<string | null>`split_part(s.artist_email::text, '@', 2)`.as("artistEmailDomain"),
      eb
        .or([eb("s.is_notable", "=", true), eb.exists(eb.selectFrom("notable_names as n").select("n.name_key").whereRef("n.name_key", "=", "s.name_key"))])
        .as("notable"),
      eb
        .selectFrom("signatures as o")
        .select(sql<number>`count(*)::int`.as("n"))
        .whereRef("o.name_key", "=", "s.name_key")
        .whereRef("o.id", "<>", "s.id")
        .where("o.state", "in", [SIGNATURE_STATES.approved, SIGNATURE_STATES.pending])
        .as("sameName"),
      eb
        .selectFrom("signatures as o")
        .select(sql<number>`count(*)::int`.as("n"))
        .whereRef("o.email_domain", "=", "s.email_domain")
        .where("o.created_at", ">", sql<Date>`now() - interval '1 day'`)
        .as("sameDomainDay"),
      eb
        .selectFrom("signatures as o")
        .select(sql<number>`count(*)::int`.as("n"))
        .whereRef("o.ip_hash", "=", "s.ip_hash")
        .where("o.created_at", ">", sql<Date>`now() - interval '1 day'`)
        .as("sameIpDay"),
      eb
        .selectFrom("signatures as o")
        .select(sql<number>`count(*)::int`.as("n"))
        .where((w) => w.or([w("o.ip_hash", "=", w.ref("s.ip_hash")), w("o.email_domain", "=", w.ref("s.email_domain"))]))
        .where("o.created_at", ">", sql<Date>`now() - interval '1 hour'`)
        .as("clusterHour"),
    ])
    .where("s.state", "=", f.state);
  if (f.kind) query = query.where("s.kind", "=", f.kind);
  if (f.country) query = query.where("s.country", "=", f.country);
  if (f.role) query = query.where("s.role", "=", f.role);
  if (q) {
    if (/^[0-9a-f]{32}$/.test(q)) query = query.where("s.ip_hash", "=", q);
    else if (q.startsWith("@")) query = query.where("s.email_domain", "=", q.slice(1));
    else if (q.includes("@")) query = query.where("s.email", "=", q);
    else query = query.where((eb) => eb.or([eb("s.display_name", "ilike", `%${q.replace(/[%_\\]/g, "\\$&")}%`), eb("s.name_key", "=", nameKey(q))]));
  }
  // "Flagged only" is decided here, before the page's limit, so no flagged row hides behind 50 others.
  const rows = await db
    .selectFrom(query.as("q"))
    .selectAll()
    .$if(Boolean(f.flagged), (qb) =>
      qb.where((eb) =>
        eb.or([
          eb("q.notable", "=", true),
          eb("q.sameName", ">", 0),
          eb("q.sameDomainDay", ">=", CLUSTER_HINT),
          eb("q.sameIpDay", ">=", CLUSTER_HINT),
          eb("q.clusterHour", ">=", TRENDING_THRESHOLD),
        ]),
      ),
    )
    .orderBy("q.createdAt", f.order === "oldest" ? "asc" : "desc")
    .orderBy("q.id")
    .limit(QUEUE_PAGE)
    .execute();
  const withFlags = rows.map((r) => ({
    ...r,
    sameName: r.sameName ?? 0,
    sameDomainDay: r.sameDomainDay ?? 0,
    sameIpDay: r.sameIpDay ?? 0,
    trending: (r.clusterHour ?? 0) >= TRENDING_THRESHOLD,
  }));
  return withFlags;
}

export async function countsByState(db: Db): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("signatures")
    .select(["state", sql<number>`count(*)::int`.as("n")])
    .groupBy("state")
    .execute();
  const counts: Record<string, number> = Object.fromEntries(Object.values(SIGNATURE_STATES).map((s) => [s, 0]));
  for (const r of rows) counts[r.state] = r.n;
  return counts;
}

export async function signatureHistory(db: Db, signatureId: string) {
  return db
    .selectFrom("audit_log as a")
    .leftJoin("users as u", (join) => join.on(sql<boolean>`a.actor = 'user:' || u.id::text`))
    .select(["a.id", "a.action", "a.before_state as before", "a.after_state as after", "a.reason", "a.created_at as at", "a.actor", "u.email as actorEmail"])
    .where("a.subject_type", "=", "signature")
    .where("a.subject_id", "=", signatureId)
    .orderBy("a.id")
    .execute();
}

export async function signatureDetails(db: Db, signatureId: string) {
  return db
    .selectFrom("signatures as s")
    .select((eb) => [
      "s.id",
      "s.state",
      "s.display_name as displayName",
      "s.private_name as privateName",
      "s.email",
      "s.role",
      "s.country",
      "s.link",
      "s.comment",
      "s.ip_hash as ipHash",
      "s.is_notable as isNotable",
      "s.identity_check as identityCheck",
      "s.created_at as createdAt",
      eb
        .or([eb("s.is_notable", "=", true), eb.exists(eb.selectFrom("notable_names as n").select("n.name_key").whereRef("n.name_key", "=", "s.name_key"))])
        .as("notable"),
    ])
    .where("s.id", "=", signatureId)
    .executeTakeFirst();
}
