import type { HeadersFunction } from "@remix-run/node";

/**
 * For routes whose loader or action set their own caching and referrer headers (pages reached by
 * a secret link: no-store, no-referrer): under Single Fetch a document response carries only what
 * the route's `headers` export returns.
 */
export const passThroughHeaders: HeadersFunction = ({ loaderHeaders, actionHeaders }) => {
  const headers = new Headers();
  for (const source of [loaderHeaders, actionHeaders]) {
    for (const name of ["Cache-Control", "Referrer-Policy"]) {
      const value = source.get(name);
      if (value) headers.set(name, value);
    }
  }
  return headers;
};
