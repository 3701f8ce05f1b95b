import type { LoaderFunctionArgs } from "@remix-run/node";
import { NAMES_CACHE } from "~/utils/cache";
import { publicResource } from "~/utils/public-http.server";
import { snapshotFile } from "~/domain/public-list/snapshots.server";
import { etagMatches } from "~/utils/etag";
import { requireList } from "~/utils/campaign.server";

// GET /press/snapshots/<identifier>.csv — one snapshot, streamed from its stored rows; the list of
// snapshots with their roots and links is press_.snapshots[.]json.ts. A file changes only when a
// row in it is redacted, so its ETag is its identifier and its count of redacted rows.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  const identifier = /^(\d{6}-\d{8}T\d{6}Z)\.csv$/.exec(params.file ?? "")?.[1];
  if (!identifier) throw new Response("Not found", { status: 404 });
  const file = await snapshotFile(context.db, context.letter.letterId, identifier);
  if (!file) throw new Response("No such snapshot", { status: 404 });
  const headers = {
    "Cache-Control": NAMES_CACHE,
    ETag: `"snapshot-${identifier}-r${file.redactedRows}"`,
    "Content-Disposition": `attachment; filename="signatures-${identifier}.csv"`,
    "X-Snapshot-Root": file.root,
    "X-Chain-SHA256": file.chainSha256,
  };
  if (etagMatches(request.headers.get("If-None-Match"), headers.ETag)) return new Response(null, { status: 304, headers });

  const lines = file.lines();
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await lines.return(undefined);
    },
  });
  return publicResource(stream, "text/csv; charset=utf-8", headers);
}
