import type { LoaderFunctionArgs } from "@remix-run/node";
import { clientResources } from "~/i18n.server";
import { isLanguage } from "~/i18n";

/**
 * A language's client text for the browser's i18next (entry.client.tsx): every client namespace in
 * one answer. Under its current tag (?v=, which root.tsx puts in the page) it never changes, so
 * browsers and CDNs keep it; without the tag, briefly.
 */
export function loader({ params, request }: LoaderFunctionArgs) {
  if (!isLanguage(params.lng)) throw new Response("Not found", { status: 404 });
  const { body, tag } = clientResources(params.lng);
  const tagged = new URL(request.url).searchParams.get("v") === tag;
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": tagged ? "public, max-age=31536000, immutable" : "public, max-age=300",
      ETag: `"${tag}"`,
    },
  });
}
