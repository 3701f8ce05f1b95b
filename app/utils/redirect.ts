/**
 * A redirect target from a form or query string: resolved against the site's own URL as a browser
 * would (which drops tabs and newlines, and reads `/\host` as `//host`), kept only when it is a
 * path on this site under `under`; anything else is the fallback. What comes back is the URL's own
 * serialisation, so it never holds a character a header cannot.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, appUrl: string, under: string, fallback: string): string {
  if (typeof to !== "string" || !to.startsWith("/")) return fallback;
  const site = new URL(appUrl);
  let target: URL;
  try {
    target = new URL(to, site);
  } catch {
    return fallback;
  }
  if (target.origin !== site.origin) return fallback;
  if (target.pathname !== under && !target.pathname.startsWith(`${under}/`)) return fallback;
  return `${target.pathname}${target.search}${target.hash}`;
}
