import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "~/utils/public-http.server";
import { listSnapshots } from "~/domain/public-list/snapshots.server";
import { requireList } from "~/utils/campaign.server";

// GET /press/snapshots.json — every snapshot's root and chain link, newest first, with download
// links; `npm run verify:snapshots -- <site>` checks them (docs/decisions/012-redactable-snapshots.md).
export async function loader({ context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  const { letterId } = context.letter;
  const snapshots = await listSnapshots(context.db, letterId);
  return publicJson({
    format:
      "CSV, UTF-8 with BOM, CRLF: digest,salt,<public columns>. digest = sha256(salt + row), row = the public columns as written after the salt. A redacted row keeps its digest; its salt and columns are empty.",
    root: "sha256 of every row's digest (64 hex characters each), in file order, joined with nothing",
    chain: "sha256(previous chain hash or 64 zeros + \\n + identifier + \\n + root + \\n + row count)",
    data: snapshots.map((s) => ({
      ...s,
      kind: s.kind === "on_demand" ? "on-demand" : "daily",
      path: `/press/snapshots/${s.identifier}.csv`,
      url: `${context.env.APP_URL}/press/snapshots/${s.identifier}.csv`,
    })),
  });
}
