import type { Db } from "../../../db/client";
import type { SignatureState } from "./states";
import type { SignatureView } from "./view";

/** A signature as the signer's own pages see it, with the state and address the domain needs. */
export async function loadSignatureView(
  db: Db,
  signatureId: string,
): Promise<{ id: string; state: SignatureState; email: string | null; view: SignatureView } | undefined> {
  const row = await db
    .selectFrom("signatures as s")
    .innerJoin("letter_versions as v", "v.id", "s.letter_version_id")
    .select(["s.id", "s.state", "s.email", "s.display_name", "s.role", "s.country", "s.link", "s.comment", "s.named", "v.title"])
    .where("s.id", "=", signatureId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    state: row.state,
    email: row.email,
    view: {
      displayName: row.display_name,
      role: row.role,
      country: row.country,
      link: row.link,
      comment: row.comment,
      letterTitle: row.title,
      named: row.named,
    },
  };
}
