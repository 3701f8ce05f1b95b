import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { luciaFor, type AuthUser } from "./lucia.server";
import type { UserRole } from "./roles";

function lucia(context: AppLoadContext) {
  return luciaFor(context.db, context.env.APP_URL.startsWith("https://"));
}

/** The signed-in user, or null. Expired or unknown sessions count as signed out. */
export async function currentUser(request: Request, context: AppLoadContext): Promise<AuthUser | null> {
  const auth = lucia(context);
  const sessionId = auth.readSessionCookie(request.headers.get("cookie") ?? "");
  if (!sessionId) return null;
  const { user } = await auth.validateSession(sessionId);
  return user;
}

/**
 * Every /admin loader and action starts here: signed out → the sign-in page; signed in with
 * another role (a label rep) → 403.
 */
export async function requireRole(request: Request, context: AppLoadContext, roles: readonly UserRole[]): Promise<AuthUser> {
  const user = await currentUser(request, context);
  if (!user) throw redirect(`/admin/login?next=${encodeURIComponent(new URL(request.url).pathname)}`);
  if (!roles.includes(user.role)) throw new Response("Your account does not have access to this page.", { status: 403 });
  return user;
}

/** Creates a session and returns the Set-Cookie header that carries it. */
export async function startSession(context: AppLoadContext, userId: string): Promise<string> {
  const auth = lucia(context);
  const session = await auth.createSession(userId, {});
  return auth.createSessionCookie(session.id).serialize();
}

/** Ends this session, or every session of its user; returns the Set-Cookie header that clears it. */
export async function endSession(request: Request, context: AppLoadContext, everywhere: boolean): Promise<string> {
  const auth = lucia(context);
  const sessionId = auth.readSessionCookie(request.headers.get("cookie") ?? "");
  if (sessionId) {
    const { user } = await auth.validateSession(sessionId);
    if (everywhere && user) await auth.invalidateUserSessions(user.id);
    else await auth.invalidateSession(sessionId);
  }
  return auth.createBlankSessionCookie().serialize();
}
