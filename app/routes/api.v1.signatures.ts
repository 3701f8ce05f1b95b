import type { LoaderFunctionArgs } from "@remix-run/node";
import { BadCursorError, listPublic } from "~/domain/public-list/list.server";
import { listHref } from "~/domain/public-list/page.server";
import { NAMES_CACHE } from "~/utils/cache";
import { publicJson } from "~/utils/public-http.server";
import { parseListQuery } from "~/domain/public-list/schema";
import { englishError } from "~/utils/english";
import { requireList } from "~/utils/campaign.server";

// GET /api/v1/signatures — the approved list, a page at a time (README, "Public API").
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireList(context, "resource");
  const parsed = parseListQuery(new URL(request.url).searchParams);
  // The API speaks English whatever the Accept-Language: its messages are for developers' logs as much as for people.
  if (!parsed.ok) {
    const fields = Object.fromEntries(Object.entries(parsed.errors).map(([field, message]) => [field, englishError(message)]));
    return publicJson({ error: "invalid_query", fields }, { status: 400 });
  }
  const { letterId } = context.letter;
  try {
    const page = await listPublic(context.db, letterId, parsed.query);
    const base = `${context.env.APP_URL}/api/v1/signatures`;
    return publicJson(
      {
        data: page.items,
        sort: page.sort,
        cursors: { next: page.next, previous: page.previous },
        links: {
          next: page.next ? listHref(base, parsed.query, { after: page.next }) : null,
          previous: page.previous ? listHref(base, parsed.query, { before: page.previous }) : null,
        },
      },
      { headers: { "Cache-Control": NAMES_CACHE } },
    );
  } catch (error) {
    if (error instanceof BadCursorError) return publicJson({ error: "invalid_query", fields: { [error.field]: error.message } }, { status: 400 });
    throw error;
  }
}
