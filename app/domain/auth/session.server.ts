import type { Db } from "../../../db/client";
import { luciaFor, type AuthUser } from "./lucia.server";

/** Opens a session for the user and returns its id (the secret the cookie carries). */
export async function openSession(db: Db, userId: string): Promise<string> {
  const session = await luciaFor(db).createSession(userId, {});
  return session.id;
}

/** The user a session id belongs to, or null: unknown, expired and disabled count as signed out. */
export async function userOfSession(db: Db, sessionId: string): Promise<AuthUser | null> {
  const { user } = await luciaFor(db).validateSession(sessionId);
  return user;
}

/** Ends this session, or every session of its user. */
export async function closeSession(db: Db, sessionId: string, everywhere: boolean): Promise<void> {
  const auth = luciaFor(db);
  const { user } = await auth.validateSession(sessionId);
  if (everywhere && user) await auth.invalidateUserSessions(user.id);
  else await auth.invalidateSession(sessionId);
}
