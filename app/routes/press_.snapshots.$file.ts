import type { LoaderFunctionArgs } from "@remix-run/node";
import { IMMUTABLE_CACHE } from "~/domain/public-list/cache";
import { publicResource } from "~/domain/public-list/http.server";
import { requireLetterId } from "~/domain/public-list/page.server";
import { snapshotFile } from "~/domain/public-list/snapshots.server";

// GET /press/snapshots/YYYY-MM-DD.csv — a day's export, byte for byte what was hashed;
// the list of days and hashes is press_.snapshots[.]json.ts.
export async function loader({ params, context }: LoaderFunctionArgs) {
  const day = /^(\d{4}-\d{2}-\d{2})\.csv$/.exec(params.file ?? "")?.[1];
  if (!day) throw new Response("Not found", { status: 404 });
  const file = await snapshotFile(context.db, await requireLetterId(context.db), day);
  if (!file) throw new Response("No snapshot for that day", { status: 404 });
  return publicResource(file.content, "text/csv; charset=utf-8", {
    "Cache-Control": IMMUTABLE_CACHE,
    "Content-Disposition": `attachment; filename="signatures-${day}.csv"`,
    "X-Content-SHA256": file.sha256,
    "X-Chain-SHA256": file.chainSha256,
  });
}
