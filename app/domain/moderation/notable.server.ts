import type { Db } from "../../../db/client";
import { cleanText, nameKey } from "../signatures/text";

/** The admins' list of notable names: a signature with one of these names needs an identity check. */
export async function listNotableNames(db: Db) {
  return db.selectFrom("notable_names").select(["name_key as key", "display_name as name"]).orderBy("display_name").execute();
}

export async function addNotableName(db: Db, name: string, actorId: string): Promise<boolean> {
  const display = cleanText(name);
  const key = nameKey(display);
  if (!key || display.length > 120) return false;
  await db
    .insertInto("notable_names")
    .values({ name_key: key, display_name: display, created_by: actorId })
    .onConflict((oc) => oc.column("name_key").doNothing())
    .execute();
  return true;
}

export async function removeNotableName(db: Db, key: string): Promise<void> {
  await db.deleteFrom("notable_names").where("name_key", "=", key).execute();
}
