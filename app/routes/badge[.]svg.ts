import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadTotals } from "~/domain/public-list/page.server";
import { publicResource } from "~/utils/public-http.server";
import { countBadgeSvg } from "~/domain/public-list/svg";
import { requireList } from "~/utils/campaign.server";

// GET /badge.svg — an embeddable count: <img src="https://…/badge.svg" alt="…">.
export async function loader({ context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  const { total } = await loadTotals(context.db, context.letter.letterId);
  return publicResource(countBadgeSvg(total), "image/svg+xml; charset=utf-8");
}
