import type { LoaderFunctionArgs } from "@remix-run/node";
import { CURRENT_LETTER, getCurrentLetter } from "~/domain/letter/letter.server";
import { loadTotals } from "~/domain/public-list/page.server";
import { publicResource } from "~/domain/public-list/http.server";
import { socialCardSvg } from "~/domain/public-list/svg";

const CARDS = {
  "letter.svg": { caption: "names approved so far" },
  "signatures.svg": { caption: "artists, labels and via labels, each checked" },
} as const;

// GET /og/letter.svg and /og/signatures.svg — the link-preview images, with the live count.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const card = CARDS[params.image as keyof typeof CARDS];
  if (!card) throw new Response("Not found", { status: 404 });
  const [letter, totals] = await Promise.all([getCurrentLetter(context.db, CURRENT_LETTER.slug), loadTotals(context.db)]);
  const svg = socialCardSvg({ title: letter?.title ?? "Countersign", count: totals.total, caption: card.caption });
  return publicResource(svg, "image/svg+xml; charset=utf-8");
}
