import type { Db } from "../../../db/client";
import type { UserRole } from "./roles";

export async function addUser(db: Db, email: string, role: UserRole): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto("users")
    .values({ email, role })
    .onConflict((oc) => oc.column("email").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
  await db.updateTable("users").set({ role, disabled_at: null }).where("id", "=", existing.id).execute();
  return { id: existing.id, created: false };
}

/** Removes a moderator's access at once: disabled, and every session ended. */
export async function disableUser(db: Db, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", userId).execute();
    await trx.deleteFrom("auth_sessions").where("user_id", "=", userId).execute();
  });
}

export async function listStaff(db: Db) {
  return db
    .selectFrom("users")
    .select(["id", "email", "role", "created_at"])
    .where("disabled_at", "is", null)
    .where("role", "in", ["admin", "moderator"])
    .orderBy("email")
    .execute();
}
