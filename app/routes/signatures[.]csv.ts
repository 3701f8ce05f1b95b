import type { LoaderFunctionArgs } from "@remix-run/node";
import { NAMES_CACHE } from "~/utils/cache";
import { CSV_BOM, CSV_HEADER, csvRow } from "~/domain/public-list/csv";
import { eachPublic } from "~/domain/public-list/list.server";
import { csvEtag } from "~/domain/public-list/page.server";
import { publicResource } from "~/utils/public-http.server";
import { parseListQuery } from "~/domain/public-list/schema";
import { englishError } from "~/utils/english";
import { etagMatches } from "~/utils/etag";
import { requireList } from "~/utils/campaign.server";

// GET /signatures.csv — the same rows as /api/v1/signatures (same filters, same order), every
// page of them, streamed from the first byte in one pass, a batch at a time (flat memory).
const CSV_BATCH = 2000;

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  const parsed = parseListQuery(new URL(request.url).searchParams);
  if (!parsed.ok) {
    const lines = Object.entries(parsed.errors).map(([field, message]) => `${field}: ${englishError(message)}`);
    return new Response(`${lines.join("\n")}\n`, {
      status: 400,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=60" },
    });
  }
  const query = { ...parsed.query, after: undefined, before: undefined, limit: undefined };
  const { letterId } = context.letter;

  // The ETag comes from the roll-up's change counter, known before any row is read (decision 013).
  const etag = await csvEtag(context.db, letterId, query);
  const day = new Date().toISOString().slice(0, 10);
  const headers = { ETag: etag, "Content-Disposition": `attachment; filename="signatures-${day}.csv"` };
  if (etagMatches(request.headers.get("If-None-Match"), etag)) {
    return new Response(null, { status: 304, headers: { ...headers, "Cache-Control": NAMES_CACHE } });
  }

  const rows = eachPublic(context.db, letterId, query, CSV_BATCH);
  const encoder = new TextEncoder();
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk = started ? "" : CSV_BOM + CSV_HEADER;
      started = true;
      for (let i = 0; i < 500; i++) {
        const next = await rows.next();
        if (next.done) {
          if (chunk) controller.enqueue(encoder.encode(chunk));
          controller.close();
          return;
        }
        chunk += csvRow(next.value);
      }
      controller.enqueue(encoder.encode(chunk));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });
  return publicResource(stream, "text/csv; charset=utf-8", { ...headers, "Cache-Control": NAMES_CACHE });
}
