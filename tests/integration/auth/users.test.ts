import { describe, expect, it } from "vitest";
import { auditTrail } from "../../../app/domain/audit/audit.server";
import { AccountRuleError, addUser, inviteUser, removeUser } from "../../../app/domain/auth/users.server";
import { setupTestDatabase } from "../../support/db";

const t = setupTestDatabase();

let n = 0;
const address = (who: string) => `${who}.${Date.now().toString(36)}.${n++}@countersign.test`;

async function account(email: string) {
  return t.db.selectFrom("users").select(["id", "role", "disabled_at"]).where("email", "=", email).executeTakeFirstOrThrow();
}

async function activeAdmins() {
  const rows = await t.db.selectFrom("users").select("id").where("role", "=", "admin").where("disabled_at", "is", null).execute();
  return rows.map((r) => r.id);
}

/** Leaves exactly the given admins active (tests share one database). */
async function onlyAdmins(...ids: string[]) {
  await t.db.updateTable("users").set({ disabled_at: new Date() }).where("role", "=", "admin").where("id", "not in", ids).execute();
}

describe("inviting", () => {
  it("creates a moderator account and audits it", async () => {
    const admin = await addUser(t.db, address("admin"), "admin");
    const email = address("invited");
    expect(await inviteUser(t.db, admin.id, email, "moderator")).toMatchObject({ outcome: "created", role: "moderator" });
    const invited = await account(email);
    expect(invited.role).toBe("moderator");
    const trail = await auditTrail(t.db, "user", invited.id);
    expect(trail).toMatchObject([{ actor: `user:${admin.id}`, action: "user_invite", before_state: null, after_state: "moderator" }]);
    expect(JSON.stringify(trail)).not.toContain(email);
  });

  it("never lowers a role: an admin inviting their own address stays an admin", async () => {
    const email = address("self");
    const admin = await addUser(t.db, email, "admin");
    expect(await inviteUser(t.db, admin.id, email, "moderator")).toMatchObject({ outcome: "unchanged", role: "admin" });
    expect((await account(email)).role).toBe("admin");
    expect(await auditTrail(t.db, "user", admin.id)).toHaveLength(1); // only its creation
  });

  it("raises a moderator invited as an admin, and re-enables a removed account, auditing both", async () => {
    const admin = await addUser(t.db, address("admin"), "admin");
    const email = address("raised");
    const mod = await addUser(t.db, email, "moderator");
    expect(await inviteUser(t.db, admin.id, email, "admin")).toMatchObject({ outcome: "changed", role: "admin" });
    expect((await account(email)).role).toBe("admin");

    const gone = address("gone");
    const removed = await addUser(t.db, gone, "moderator");
    await removeUser(t.db, admin.id, removed.id);
    expect(await inviteUser(t.db, admin.id, gone, "moderator")).toMatchObject({ outcome: "changed", role: "moderator" });
    expect((await account(gone)).disabled_at).toBeNull();

    expect((await auditTrail(t.db, "user", mod.id)).map((a) => [a.action, a.before_state, a.after_state])).toEqual([
      ["user_add", null, "moderator"],
      ["role_change", "moderator", "admin"],
    ]);
    expect((await auditTrail(t.db, "user", removed.id)).map((a) => [a.action, a.before_state, a.after_state])).toEqual([
      ["user_add", null, "moderator"],
      ["user_remove", "moderator", "disabled"],
      ["user_invite", "disabled", "moderator"],
    ]);
  });
});

describe("removing", () => {
  it("refuses to remove yourself", async () => {
    const admin = await addUser(t.db, address("admin"), "admin");
    await expect(removeUser(t.db, admin.id, admin.id)).rejects.toMatchObject({ rule: "self" });
    expect((await account((await t.db.selectFrom("users").select("email").where("id", "=", admin.id).executeTakeFirstOrThrow()).email)).disabled_at).toBeNull();
  });

  it("ends the account's sessions and audits the removal", async () => {
    const admin = await addUser(t.db, address("admin"), "admin");
    const mod = await addUser(t.db, address("mod"), "moderator");
    await t.db
      .insertInto("auth_sessions")
      .values({ id_hash: `h-${mod.id}`, user_id: mod.id, expires_at: new Date(Date.now() + 60_000) })
      .execute();
    await removeUser(t.db, admin.id, mod.id);
    expect(await t.db.selectFrom("auth_sessions").select("id_hash").where("user_id", "=", mod.id).execute()).toHaveLength(0);
    expect((await auditTrail(t.db, "user", mod.id)).at(-1)).toMatchObject({ actor: `user:${admin.id}`, action: "user_remove", after_state: "disabled" });
  });

  it("refuses to remove the last admin, even when two admins remove each other at once", async () => {
    const a = await addUser(t.db, address("a"), "admin");
    const b = await addUser(t.db, address("b"), "admin");
    await onlyAdmins(a.id, b.id);
    const results = await Promise.allSettled([removeUser(t.db, a.id, b.id), removeUser(t.db, b.id, a.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(AccountRuleError);
    expect(refused.reason).toMatchObject({ rule: "last_admin" });
    expect(await activeAdmins()).toHaveLength(1);
    await expect(removeUser(t.db, null, (await activeAdmins())[0]!)).rejects.toMatchObject({ rule: "last_admin" });
  });
});

describe("addUser (npm run user)", () => {
  it("sets the role it is given, audited, but never demotes the last admin", async () => {
    const email = address("last");
    const only = await addUser(t.db, email, "admin");
    await onlyAdmins(only.id);
    await expect(addUser(t.db, email, "moderator")).rejects.toMatchObject({ rule: "last_admin" });
    expect((await account(email)).role).toBe("admin");

    const other = await addUser(t.db, address("other"), "admin");
    expect(await addUser(t.db, email, "moderator")).toMatchObject({ id: only.id, created: false });
    expect((await account(email)).role).toBe("moderator");
    expect((await auditTrail(t.db, "user", only.id)).map((a) => [a.actor, a.action, a.before_state, a.after_state])).toEqual([
      ["cli", "user_add", null, "admin"],
      ["cli", "role_change", "admin", "moderator"],
    ]);
    expect(await activeAdmins()).toEqual([other.id]);
  });
});
