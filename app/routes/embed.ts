import type { LoaderFunctionArgs } from "@remix-run/node";
import { loadTotals } from "~/domain/public-list/page.server";
import { publicResource } from "~/utils/public-http.server";
import { escapeXml, formatCount } from "~/domain/public-list/svg";
import { requireList } from "~/utils/campaign.server";

/**
 * GET /embed — a small card other sites may put in an iframe:
 * <iframe src="https://…/embed" width="320" height="180" title="…"></iframe>.
 * No script; its own policy lets any page frame it (every other page refuses to be framed).
 */
export async function loader({ context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  const base = context.env.APP_URL;
  const totals = await loadTotals(context.db, context.letter.letterId);
  const title = escapeXml(context.letter.title);
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}: ${formatCount(totals.total)} signatures</title>
<link rel="stylesheet" href="/embed.css">
</head>
<body>
<main class="embed">
<p class="embed-title">${title}</p>
<p><span class="embed-count">${formatCount(totals.total)}</span> signatures approved</p>
<p><a href="${escapeXml(`${base}/`)}" target="_blank" rel="noopener">Read and sign</a> · <a href="${escapeXml(`${base}/signatures`)}" target="_blank" rel="noopener">Who signed</a></p>
</main>
</body>
</html>
`;
  return publicResource(html, "text/html; charset=utf-8", {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors *",
  });
}
