import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadTotals } from "~/domain/public-list/page.server";
import { publicJson } from "~/utils/public-http.server";
import { requireList } from "~/utils/campaign.server";

// GET /api/v1/stats — the roll-up's figures and when they were refreshed.
export async function loader({ context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  return publicJson(await loadTotals(context.db, context.letter.letterId));
}
