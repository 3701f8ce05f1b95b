import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadTotals } from "~/domain/public-list/page.server";
import { publicResource } from "~/utils/public-http.server";
import { socialCardSvg } from "~/domain/public-list/svg";

const CARDS = {
  "letter.svg": { caption: "signatures approved so far" },
  "signatures.svg": { caption: "artists, labels and via labels, each checked" },
} as const;

// GET /og/letter.svg and /og/signatures.svg — the link-preview images, with the live count.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const card = CARDS[params.image as keyof typeof CARDS];
  if (!card) throw new Response("Not found", { status: 404 });
  const totals = await loadTotals(context.db, context.letter.letterId);
  const svg = socialCardSvg({ title: context.letter.title, count: totals.total, caption: card.caption });
  return publicResource(svg, "image/svg+xml; charset=utf-8");
}
