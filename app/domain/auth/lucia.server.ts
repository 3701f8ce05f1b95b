import { Lucia, TimeSpan, type Adapter, type DatabaseSession, type DatabaseUser, type User } from "lucia";

/** A signed-in user as the rest of the app sees it (id, email, role). */
export type AuthUser = User;
import type { Db } from "../../../db/client";
import { sha256 } from "../signatures/tokens.server";
import type { UserRole } from "./roles";

/**
 * The only module that imports Lucia (docs/decisions/004): Lucia v3 is no longer maintained
 * upstream, so it stays behind this file and our own tables. Sessions are stored under a SHA-256 of
 * their id, so a copy of the database holds no usable session.
 */
function kyselyAdapter(db: Db): Adapter {
  const toSession = (row: { id_hash: string; user_id: string; expires_at: Date }, id: string): DatabaseSession => ({
    id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    attributes: {},
  });
  return {
    async getSessionAndUser(sessionId) {
      const row = await db
        .selectFrom("auth_sessions as s")
        .innerJoin("users as u", "u.id", "s.user_id")
        .select(["s.id_hash", "s.user_id", "s.expires_at", "u.email", "u.role", "u.disabled_at"])
        .where("s.id_hash", "=", sha256(sessionId))
        .executeTakeFirst();
      if (!row || row.disabled_at) return [null, null];
      const user: DatabaseUser = { id: row.user_id, attributes: { email: row.email, role: row.role } };
      return [toSession(row, sessionId), user];
    },
    async getUserSessions(userId) {
      // Ids are not recoverable from their hashes; callers only count or invalidate these.
      const rows = await db.selectFrom("auth_sessions").select(["id_hash", "user_id", "expires_at"]).where("user_id", "=", userId).execute();
      return rows.map((r) => toSession(r, r.id_hash));
    },
    async setSession(session) {
      await db
        .insertInto("auth_sessions")
        .values({ id_hash: sha256(session.id), user_id: session.userId, expires_at: session.expiresAt })
        .execute();
    },
    async updateSessionExpiration(sessionId, expiresAt) {
      await db.updateTable("auth_sessions").set({ expires_at: expiresAt }).where("id_hash", "=", sha256(sessionId)).execute();
    },
    async deleteSession(sessionId) {
      await db.deleteFrom("auth_sessions").where("id_hash", "=", sha256(sessionId)).execute();
    },
    async deleteUserSessions(userId) {
      await db.deleteFrom("auth_sessions").where("user_id", "=", userId).execute();
    },
    async deleteExpiredSessions() {
      await db.deleteFrom("auth_sessions").where("expires_at", "<=", new Date()).execute();
    },
  };
}

export function createLucia(db: Db) {
  return new Lucia(kyselyAdapter(db), {
    // Two weeks, extended whenever a session is used in its second half (Lucia's sliding expiry).
    // The cookie is ours (app/utils/session.server.ts): Lucia only creates and validates sessions.
    sessionExpiresIn: new TimeSpan(2, "w"),
    getUserAttributes: (attributes) => ({ email: attributes.email, role: attributes.role }),
  });
}

declare module "lucia" {
  interface Register {
    Lucia: ReturnType<typeof createLucia>;
    DatabaseUserAttributes: { email: string; role: UserRole };
  }
}

const instances = new WeakMap<Db, ReturnType<typeof createLucia>>();

/** One Lucia per database handle (it holds no state of its own beyond configuration). */
export function luciaFor(db: Db): ReturnType<typeof createLucia> {
  let lucia = instances.get(db);
  if (!lucia) {
    lucia = createLucia(db);
    instances.set(db, lucia);
  }
  return lucia;
}
