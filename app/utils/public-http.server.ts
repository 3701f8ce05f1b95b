import { PUBLIC_CACHE } from "./cache";

/** CORS for the public API: any site may read it; nothing it returns depends on cookies. */
export const CORS_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
  "Access-Control-Expose-Headers": "ETag, Link",
  "Access-Control-Max-Age": "86400",
} as const;

/** A public API answer: JSON, cacheable by any CDN, readable from any origin. */
export function publicJson(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const status = init.status ?? 200;
  return new Response(`${JSON.stringify(body, null, 2)}\n`, {
    status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      // A bad query answers the same until the API changes: cache it too, briefly.
      "Cache-Control": status === 200 ? PUBLIC_CACHE : "public, max-age=60",
      ...CORS_HEADERS,
      ...init.headers,
    },
  });
}

/** A public non-HTML resource (SVG, Atom, CSV) with the public cache policy. */
export function publicResource(body: BodyInit, contentType: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { headers: { "Content-Type": contentType, "Cache-Control": PUBLIC_CACHE, ...CORS_HEADERS, ...headers } });
}
