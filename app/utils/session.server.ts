import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { closeSession, openSession, userOfSession } from "~/domain/auth/session.server";
import type { AuthUser } from "~/domain/auth/lucia.server";
import { USER_ROLES, type UserRole } from "~/domain/auth/roles";
import { repOf, type Rep } from "~/domain/labels/labels.server";
import { readCookie } from "./cookies";

/**
 * The session cookie: HttpOnly, SameSite=Lax, Path=/, and a browser-session cookie (no Max-Age or
 * Expires: it goes when the browser closes; the server-side expiry slides on its own). On https
 * it is Secure and named `__Host-`, which a browser accepts only from this host, Secure, Path=/
 * and without Domain, so a sibling site on a parent domain cannot plant one.
 */
function sessionCookie(context: AppLoadContext) {
  const secure = context.env.APP_URL.startsWith("https://");
  const name = secure ? "__Host-countersign_session" : "countersign_session";
  const attributes = ["Path=/", "HttpOnly", "SameSite=Lax", ...(secure ? ["Secure"] : [])];
  return {
    read: (request: Request) => {
      const id = readCookie(request.headers.get("cookie"), name);
      // Session ids are lower-case base32; anything else is not worth a database round trip.
      return id && /^[a-z0-9]{1,64}$/.test(id) ? id : undefined;
    },
    set: (id: string) => [`${name}=${id}`, ...attributes].join("; "),
    clear: () => [`${name}=`, ...attributes, "Max-Age=0"].join("; "),
  };
}

/** The signed-in user, or null. Expired or unknown sessions count as signed out. */
export async function currentUser(request: Request, context: AppLoadContext): Promise<AuthUser | null> {
  const sessionId = sessionCookie(context).read(request);
  return sessionId ? userOfSession(context.db, sessionId) : null;
}

/**
 * Every /admin loader and action starts here: signed out → the sign-in page; signed in with
 * another role (a label rep) → 403.
 */
export async function requireRole(request: Request, context: AppLoadContext, roles: readonly UserRole[]): Promise<AuthUser> {
  const user = await currentUser(request, context);
  if (!user) throw redirect(`/admin/login?next=${encodeURIComponent(new URL(request.url).pathname)}`);
  if (!roles.includes(user.role)) {
    // The error boundary words these codes in the visitor's language (common.json's errorPage.message).
    throw new Response(user.role === USER_ROLES.labelRep ? "noAccessRep" : "noAccess", { status: 403 });
  }
  return user;
}

/** Every /label loader and action starts here: the signed-in rep and the one label it may touch. */
export async function requireRep(request: Request, context: AppLoadContext): Promise<Rep> {
  const user = await currentUser(request, context);
  if (!user) throw redirect(`/admin/login?next=${encodeURIComponent(new URL(request.url).pathname)}`);
  const rep = user.role === USER_ROLES.labelRep ? await repOf(context.db, user.id) : undefined;
  if (!rep) throw new Response("notRep", { status: 403 });
  return rep;
}

/** Where a user lands after signing in: a label rep on its label's page, staff where they asked (`next`). */
export async function landingFor(context: AppLoadContext, userId: string, next: string): Promise<string> {
  const user = await context.db.selectFrom("users").select("role").where("id", "=", userId).executeTakeFirst();
  return user?.role === USER_ROLES.labelRep ? "/label" : next;
}

/** Creates a session and returns the Set-Cookie header that carries it. */
export async function startSession(context: AppLoadContext, userId: string): Promise<string> {
  return sessionCookie(context).set(await openSession(context.db, userId));
}

/** Ends this session, or every session of its user; returns the Set-Cookie header that clears it. */
export async function endSession(request: Request, context: AppLoadContext, everywhere: boolean): Promise<string> {
  const cookie = sessionCookie(context);
  const sessionId = cookie.read(request);
  if (sessionId) await closeSession(context.db, sessionId, everywhere);
  return cookie.clear();
}
