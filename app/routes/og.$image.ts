import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadTotals } from "~/domain/public-list/page.server";
import { publicResource } from "~/utils/public-http.server";
import { renderCardPng } from "~/domain/public-list/card-png.server";
import { socialCardSvg } from "~/domain/public-list/svg";
import { requireList } from "~/utils/campaign.server";

const CARDS = {
  letter: { caption: "signatures approved so far" },
  signatures: { caption: "artists, labels and via labels, each checked" },
} as const;

// GET /og/letter.png and /og/signatures.png — the link-preview images (1200×630), with the live
// count; the same cards as SVG at /og/letter.svg and /og/signatures.svg.
export async function loader({ params, context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  const [, name, format] = /^([a-z]+)\.(svg|png)$/.exec(params.image ?? "") ?? [];
  const card = Object.hasOwn(CARDS, name ?? "") ? CARDS[name as keyof typeof CARDS] : undefined;
  if (!card) throw new Response("Not found", { status: 404 });
  const totals = await loadTotals(context.db, context.letter.letterId);
  const svg = socialCardSvg({ title: context.letter.title, count: totals.total, caption: card.caption });
  if (format === "svg") return publicResource(svg, "image/svg+xml; charset=utf-8");
  return publicResource(renderCardPng(svg), "image/png");
}
