import type { AppLoadContext } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import type { CampaignAccess } from "~/domain/campaign/states";

/**
 * The one check every public output makes before it reads the list (decision 017): before launch
 * (without a preview link while embargoed) a page goes to the holding page and anything else
 * (feeds, exports, the API, cards, snapshots) is a plain 404 that says nothing about the letter.
 */
export async function requireList(context: AppLoadContext, answer: "page" | "resource"): Promise<CampaignAccess> {
  const access = await context.access();
  if (access.list) return access;
  if (answer === "page") throw redirect("/", { headers: { "Cache-Control": "private, no-store" } });
  throw new Response("Not found\n", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "private, no-store" } });
}
