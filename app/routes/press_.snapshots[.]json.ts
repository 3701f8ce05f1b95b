import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicJson } from "~/domain/public-list/http.server";
import { requireLetterId } from "~/domain/public-list/page.server";
import { listSnapshots } from "~/domain/public-list/snapshots.server";

// GET /press/snapshots.json — every day's hash and chain hash, newest first, with download links.
export async function loader({ context }: LoaderFunctionArgs) {
  const letterId = await requireLetterId(context.db);
  const snapshots = await listSnapshots(context.db, letterId);
  return publicJson({
    chain: "sha256(previous chain hash or 64 zeros + \\n + day + \\n + sha256 of the export + \\n + row count)",
    data: snapshots.map((s) => ({ ...s, url: `${context.env.APP_URL}/press/snapshots/${s.day}.csv` })),
  });
}
