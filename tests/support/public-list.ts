import type { Role, SignatureState } from "../../app/domain/signatures/states";
import { sql } from "kysely";
import { nameKey, searchKey } from "../../app/domain/signatures/text";
import type { Db } from "../../db/client";

export interface SeedRow {
  name: string;
  state?: SignatureState;
  kind?: "artist" | "label" | "roster";
  role?: Role;
  country?: string;
  labelId?: string | null;
  featured?: boolean;
  identityCheck?: string | null;
  confirmed?: boolean;
  /** Seconds before now that the row was approved (spreads rows over days). */
  approvedSecondsAgo?: number;
}

let seeded = 0;

/**
 * Inserts signatures as the signing flow leaves them, private fields included (an address and an
 * IP hash unique to each row), so a test can look for those in every public output.
 */
export async function seedSignatures(db: Db, letter: { letterId: number; versionId: number }, rows: SeedRow[]) {
  const out: { id: string; publicId: string; email: string; ipHash: string; privateName: string; state: string; name: string }[] = [];
  for (const row of rows) {
    const n = seeded++;
    const email = `seeded.signer.${n}.${Date.now().toString(36)}@private-mail.test`;
    const ipHash = `iphash${n.toString(16).padStart(8, "0")}${"f".repeat(24)}`;
    const privateName = `Private Person ${n}`;
    const state = row.state ?? "approved";
    const approvedAgo = row.approvedSecondsAgo ?? 60;
    const inserted = await db
      .insertInto("signatures")
      .values({
        letter_id: letter.letterId,
        letter_version_id: letter.versionId,
        kind: row.kind ?? "artist",
        state,
        display_name: row.name,
        name_key: nameKey(row.name),
        search_key: searchKey(row.name),
        private_name: privateName,
        role: row.role ?? "musician",
        country: row.country ?? "GB",
        email,
        email_normalized: email,
        email_domain: "private-mail.test",
        ip_hash: ipHash,
        consent_public: true,
        attested: true,
        label_id: row.labelId ?? null,
        is_featured: row.featured ?? false,
        identity_check: row.identityCheck ?? null,
        confirmed_at: row.confirmed === false || state === "unconfirmed" ? null : sql<Date>`now() - interval '1 day'`,
        approved_at: state === "approved" ? sql<Date>`now() - make_interval(secs => ${approvedAgo})` : null,
      })
      .returning([sql<string>`id::text`.as("id"), "public_id"])
      .executeTakeFirstOrThrow();
    out.push({ id: inserted.id, publicId: inserted.public_id, email, ipHash, privateName, state, name: row.name });
  }
  return out;
}

/** Inserts `n` approved signatures in one statement, spread over `days` days. */
export async function seedApprovedBulk(db: Db, letter: { letterId: number; versionId: number }, n: number, days = 30, prefix = "Bulk Signer") {
  await sql`
    insert into signatures (letter_id, letter_version_id, kind, state, display_name, name_key, search_key, role, country,
                            email, email_normalized, email_domain, ip_hash, consent_public, attested, confirmed_at, approved_at)
    select ${letter.letterId}, ${letter.versionId}, 'artist', 'approved', ${prefix} || ' ' || g, 'bulk' || g, lower(${prefix}) || ' ' || g,
           'musician', (array['GB','US','DE','FR','BR'])[1 + g % 5],
           'bulk' || g || '.' || ${Date.now().toString(36)} || '@private-mail.test', 'bulk' || g || '.' || ${Date.now().toString(36)} || '@private-mail.test',
           'private-mail.test', md5(g::text), true, true, now() - interval '40 days',
           now() - make_interval(secs => (g % (${days} * 86400))::double precision)
    from generate_series(1, ${n}) as g`.execute(db);
}

export async function addLabel(db: Db, name: string, domain: string, verified = true) {
  const row = await db
    .insertInto("labels")
    .values({ name, domain, domain_verified_at: verified ? sql<Date>`now()` : null })
    .returning(sql<string>`id::text`.as("id"))
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Every public output that can carry names or counts, as the press reads them (the snapshot
 * files are listed by /press/snapshots.json and added by the caller). Searches echo their words
 * back into the search box, so callers search in lower case for names written in title case.
 */
export const PUBLIC_OUTPUTS = [
  "/",
  "/signatures",
  "/signatures?sort=az",
  "/api/v1/signatures",
  "/api/v1/stats",
  "/signatures.csv",
  "/signatures.atom",
  "/press",
  "/press/snapshots.json",
  "/embed",
  "/og/letter.svg",
  "/og/signatures.svg",
  "/og/letter.png",
  "/badge.svg",
] as const;
