import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { ACCESS_COOKIE, findLink, openLink } from "~/domain/campaign/campaign.server";
import type { LinkPurpose } from "~/domain/campaign/states";
import { tFor } from "~/i18n.server";

/**
 * An invitation or preview link (decision 017). Opening it (GET) only shows a page with a button:
 * mail scanners and chat preview bots open links, and must get nothing (no cookie, no letter).
 * Pressing the button (POST, from our own page) counts the use, leaves an HttpOnly cookie holding
 * the token (so the pages that follow know it, and it never sits in a page or a later URL) and goes
 * to the letter, or to the list. A link that does not work is a 404. Once the letter is public the
 * link simply leads to the letter, and leaves nothing.
 */
const TARGET: Record<LinkPurpose, string> = { invitation: "/", preview: "/signatures" };
const NO_STORE = { "Cache-Control": "private, no-store" };

function gone(context: AppLoadContext): never {
  throw new Response(tFor(context, "common")("accessLink.invalid"), {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", ...NO_STORE },
  });
}

export async function showAccessLink(context: AppLoadContext, token: string | undefined, purpose: LinkPurpose) {
  const access = await context.access();
  if (access.state === "public" || access.state === "closed") throw redirect(TARGET[purpose], { status: 303, headers: NO_STORE });
  if (!(await findLink(context.db, context.letter.letterId, token, purpose))) gone(context);
  return { purpose };
}

export async function followAccessLink(context: AppLoadContext, token: string | undefined, purpose: LinkPurpose): Promise<Response> {
  const access = await context.access();
  if (access.state === "public" || access.state === "closed") return redirect(TARGET[purpose], { status: 303, headers: NO_STORE });
  const link = token ? await openLink(context.db, context.letter.letterId, token, purpose) : null;
  if (!link) gone(context);
  const secure = context.env.APP_URL.startsWith("https://");
  const maxAge = Math.max(1, Math.floor((link.expiresAt.getTime() - Date.now()) / 1000));
  const cookie = [`${ACCESS_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`, ...(secure ? ["Secure"] : [])].join("; ");
  return redirect(TARGET[purpose], { status: 303, headers: { ...NO_STORE, "Set-Cookie": cookie } });
}
