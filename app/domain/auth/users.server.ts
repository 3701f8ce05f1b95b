import type { Transaction } from "kysely";
import type { Db } from "../../../db/client";
import type { DB } from "../../../db/schema";
import { recordAudit } from "../audit/audit.server";
import { USER_ROLES, type UserRole } from "./roles";

/** A rule about accounts that refused a change; routes and the CLI turn it into a message. */
export class AccountRuleError extends Error {
  override name = "AccountRuleError";
  constructor(
    readonly rule: "self" | "last_admin" | "not_found",
    message: string,
  ) {
    super(message);
  }
}

/** Who changes an account: an admin (their user id), or null for the command line. */
export type AccountActor = string | null;

const actorName = (actor: AccountActor) => (actor === null ? "cli" : `user:${actor}`);

/** Higher is more access. An invitation only ever raises. */
const RANK: Record<UserRole, number> = { label_rep: 0, moderator: 1, admin: 2 };

interface Account {
  id: string;
  role: UserRole;
  disabled: boolean;
}

/** The account at `email` (locked), or undefined. */
async function lockByEmail(trx: Transaction<DB>, email: string): Promise<Account | undefined> {
  const row = await trx.selectFrom("users").select(["id", "role", "disabled_at"]).where("email", "=", email).forUpdate().executeTakeFirst();
  return row && { id: row.id, role: row.role, disabled: row.disabled_at !== null };
}

/**
 * Refuses a change that takes `account` away from the active admins when it is the last of them.
 * The caller locked every active admin row first (lockAdmins), so two admins removing each other at
 * once cannot both pass.
 */
async function keepAnAdmin(trx: Transaction<DB>, account: Account): Promise<void> {
  if (account.role !== USER_ROLES.admin || account.disabled) return;
  const admins = await trx.selectFrom("users").select("id").where("role", "=", USER_ROLES.admin).where("disabled_at", "is", null).execute();
  if (admins.filter((a) => a.id !== account.id).length === 0) {
    throw new AccountRuleError("last_admin", "refused: that would leave no admin. Make another admin first.");
  }
}

/** Locks the active admins before the row being changed, in one order for every caller. */
async function lockAdmins(trx: Transaction<DB>): Promise<void> {
  await trx.selectFrom("users").select("id").where("role", "=", USER_ROLES.admin).where("disabled_at", "is", null).orderBy("id").forUpdate().execute();
}

/**
 * Creates the account with `role`, or gives an existing one `role` and re-enables it, with one audit
 * row: `created` names a new or re-enabled account's action, a role change on an active one is
 * `role_change`. The caller decided that the change is allowed.
 */
async function saveAccount(
  trx: Transaction<DB>,
  existing: Account | undefined,
  email: string,
  role: UserRole,
  actor: string,
  created: "user_add" | "user_invite" | "user_enable",
): Promise<string> {
  if (!existing) {
    const { id } = await trx.insertInto("users").values({ email, role }).returning("id").executeTakeFirstOrThrow();
    await recordAudit(trx, { actor, action: created, subjectType: "user", subjectId: id, after: role });
    return id;
  }
  await trx.updateTable("users").set({ role, disabled_at: null }).where("id", "=", existing.id).execute();
  await recordAudit(trx, {
    actor,
    action: existing.disabled ? created : "role_change",
    subjectType: "user",
    subjectId: existing.id,
    before: existing.disabled ? "disabled" : existing.role,
    after: role,
  });
  return existing.id;
}

/**
 * `npm run user -- add`: creates the account, or gives an existing one exactly `role` (re-enabled)
 * — except that the last admin is never demoted. Audited as `cli`.
 */
export async function addUser(db: Db, email: string, role: UserRole, actor: AccountActor = null): Promise<{ id: string; created: boolean }> {
  return db.transaction().execute(async (trx) => {
    await lockAdmins(trx);
    const existing = await lockByEmail(trx, email);
    if (!existing) return { id: await saveAccount(trx, undefined, email, role, actorName(actor), "user_add"), created: true };
    if (existing.role === role && !existing.disabled) return { id: existing.id, created: false };
    if (existing.role !== role) await keepAnAdmin(trx, existing);
    await saveAccount(trx, existing, email, role, actorName(actor), "user_enable");
    return { id: existing.id, created: false };
  });
}

export type InviteResult = { outcome: "created" | "changed" | "unchanged"; id: string; role: UserRole };

/**
 * An admin invites an address to moderate (or administer). An existing account keeps its role when
 * that role is the same or higher — an invitation never lowers one — and is re-enabled if removed.
 */
export async function inviteUser(db: Db, actorId: string, email: string, role: UserRole): Promise<InviteResult> {
  return db.transaction().execute(async (trx) => {
    const existing = await lockByEmail(trx, email);
    if (!existing) return { outcome: "created", id: await saveAccount(trx, undefined, email, role, actorName(actorId), "user_invite"), role };
    const next = RANK[role] > RANK[existing.role] ? role : existing.role;
    if (next === existing.role && !existing.disabled) return { outcome: "unchanged", id: existing.id, role: existing.role };
    await saveAccount(trx, existing, email, next, actorName(actorId), "user_invite");
    return { outcome: "changed", id: existing.id, role: next };
  });
}

/**
 * Removes an account's access at once: disabled, and every session ended. Nobody removes
 * themselves, and the last admin is never removed.
 */
export async function removeUser(db: Db, actor: AccountActor, userId: string): Promise<void> {
  if (actor !== null && actor === userId) throw new AccountRuleError("self", "You cannot remove yourself.");
  await db.transaction().execute(async (trx) => {
    await lockAdmins(trx);
    const row = await trx.selectFrom("users").select(["id", "role", "disabled_at"]).where("id", "=", userId).forUpdate().executeTakeFirst();
    if (!row) throw new AccountRuleError("not_found", "There is no such account.");
    if (row.disabled_at !== null) return;
    await keepAnAdmin(trx, { id: row.id, role: row.role, disabled: false });
    await trx.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", userId).execute();
    await trx.deleteFrom("auth_sessions").where("user_id", "=", userId).execute();
    await recordAudit(trx, { actor: actorName(actor), action: "user_remove", subjectType: "user", subjectId: userId, before: row.role, after: "disabled" });
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
