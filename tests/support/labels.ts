import type { Db } from "../../db/client";

let n = 0;

/**
 * A label with a confirmed domain and one rep account (the test's own fixture: the app makes them
 * only through a confirmed join, which tests/integration/labels/join.test.ts drives).
 */
export async function labelWithRep(db: Db, opts: { domain?: string; name?: string; email?: string } = {}) {
  const tag = `${Date.now().toString(36)}${n++}`;
  const domain = opts.domain ?? `label-${tag}.test`;
  const label = await db
    .insertInto("labels")
    .values({ name: opts.name ?? `Label ${tag}`, domain, website: `https://${domain}/`, domain_verified_at: new Date(), dns_token: `token${tag}` })
    .returning(["id", "name", "domain"])
    .executeTakeFirstOrThrow();
  const email = opts.email ?? `rep.${tag}@${domain}`;
  const user = await db
    .insertInto("users")
    .values({ email, role: "label_rep", label_id: label.id, name: `Rep ${tag}` })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { labelId: label.id, labelName: label.name, domain: label.domain, userId: user.id, email };
}
