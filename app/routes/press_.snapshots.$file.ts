import type { LoaderFunctionArgs } from "@remix-run/node";
import { IMMUTABLE_CACHE } from "~/domain/public-list/cache";
import { publicResource } from "~/domain/public-list/http.server";
import { requireLetterId } from "~/domain/public-list/page.server";
import { listSnapshots, snapshotContent } from "~/domain/public-list/snapshots.server";

// GET /press/snapshots/YYYY-MM-DD.csv — a day's export, byte for byte what was hashed;
// the list of days and hashes is press_.snapshots[.]json.ts.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const match = /^(\d{4}-\d{2}-\d{2})\.csv$/.exec(params.file ?? "");
  if (!match || Number.isNaN(Date.parse(match[1]!))) throw new Response("Not found", { status: 404 });
  const letterId = await requireLetterId(context.db);
  const content = await snapshotContent(context.db, letterId, match[1]!);
  if (content === undefined) throw new Response("No snapshot for that day", { status: 404 });
  const summary = (await listSnapshots(context.db, letterId)).find((s) => s.day === match[1]);
  return publicResource(content, "text/csv; charset=utf-8", {
    "Cache-Control": IMMUTABLE_CACHE,
    "Content-Disposition": `attachment; filename="signatures-${match[1]}.csv"`,
    ...(summary ? { "X-Content-SHA256": summary.sha256, "X-Chain-SHA256": summary.chainSha256 } : {}),
  });
}

