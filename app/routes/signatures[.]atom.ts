import type { LoaderFunctionArgs } from "@remix-run/node";
import { BADGES, publicRole } from "~/domain/public-list/badges";
import { listPublic } from "~/domain/public-list/list.server";
import { NAMES_CACHE } from "~/utils/cache";
import { publicResource } from "~/utils/public-http.server";
import { escapeXml } from "~/domain/public-list/svg";
import { countryName } from "~/domain/signatures/countries";
import { requireList } from "~/utils/campaign.server";

// GET /signatures.atom — the 50 names most recently approved.
export async function loader({ context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  const base = context.env.APP_URL;
  const { letterId } = context.letter;
  const { items } = await listPublic(context.db, letterId, { sort: "recent" }, 50);
  const host = new URL(base).hostname;
  const updated = items[0]?.approvedAt ?? new Date(0).toISOString();
  const entries = items
    .map((item) => {
      const how = item.badges.map((b) => BADGES[b].label).join(", ");
      const summary = `${item.name} (${publicRole(item.kind, item.role)}, ${countryName(item.country)}${item.label && item.kind === "roster" ? `, via ${item.label}` : ""}). ${how || "Approved by moderators"}.`;
      return `  <entry>
    <id>tag:${host},2026:signature-${item.id}</id>
    <title>${escapeXml(item.name)}</title>
    <updated>${item.approvedAt}</updated>
    <link rel="alternate" type="text/html" href="${escapeXml(`${base}/signatures?q=${encodeURIComponent(item.name)}`)}"/>
    <summary>${escapeXml(summary)}</summary>
  </entry>`;
    })
    .join("\n");
  const feed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(`${base}/signatures`)}</id>
  <title>Countersign: newly approved signatories</title>
  <updated>${updated}</updated>
  <author><name>Countersign</name></author>
  <link rel="self" type="application/atom+xml" href="${escapeXml(`${base}/signatures.atom`)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(`${base}/signatures`)}"/>
${entries}
</feed>
`;
  return publicResource(feed, "application/atom+xml; charset=utf-8", { "Cache-Control": NAMES_CACHE });
}
