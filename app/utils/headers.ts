import type { HeadersFunction } from "@remix-run/node";

/**
 * For routes whose loader or action set their own caching and referrer headers (pages reached by
 * a secret link: no-store, SECRET_LINK_REFERRER): under Single Fetch a document response carries
 * only what the route's `headers` export returns.
 */
/**
 * The Referrer-Policy of a page whose URL holds a token: no request from it, to any site, carries
 * its path. Not `no-referrer`: under that policy a browser sends `Origin: null` with the page's own
 * form, and without JavaScript the origin check (server/app.ts) refuses the confirm, manage and
 * sign-in buttons.
 */
export const SECRET_LINK_REFERRER = "strict-origin";

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
