import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { ACCESS_COOKIE, openLink } from "~/domain/campaign/campaign.server";
import type { LinkPurpose } from "~/domain/campaign/states";
import { tFor } from "~/i18n.server";

/**
 * An invitation or preview link (decision 017): a working one leaves an HttpOnly cookie holding
 * the token (so the pages that follow know it, and it never sits in a page or a later URL) and
 * goes to the letter, or to the list; one that does not work is a 404 that says so. Once the
 * letter is public the link simply leads to the letter, and leaves nothing.
 */
export async function followAccessLink(context: AppLoadContext, token: string | undefined, purpose: LinkPurpose): Promise<Response> {
  const access = await context.access();
  const target = purpose === "invitation" ? "/" : "/signatures";
  const noStore = { "Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer" };
  if (access.state === "public" || access.state === "closed") return redirect(target, { status: 303, headers: noStore });
  const link = token ? await openLink(context.db, context.letter.letterId, token) : null;
  if (!link || link.purpose !== purpose) {
    throw new Response(tFor(context, "common")("accessLink.invalid"), {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", ...noStore },
    });
  }
  const secure = context.env.APP_URL.startsWith("https://");
  const maxAge = Math.max(1, Math.floor((link.expiresAt.getTime() - Date.now()) / 1000));
  const cookie = [`${ACCESS_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${maxAge}`, ...(secure ? ["Secure"] : [])].join("; ");
  return redirect(target, { status: 303, headers: { ...noStore, "Set-Cookie": cookie } });
}
