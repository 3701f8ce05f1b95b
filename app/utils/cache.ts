/**
 * Every public GET: a CDN may serve it for 30 s, then serve the old copy for a minute while it
 * fetches a new one, and for a day if we are down. Browsers revalidate (max-age=0) with the ETag.
 */
export const PUBLIC_CACHE = "public, max-age=0, s-maxage=30, stale-while-revalidate=60, stale-if-error=86400";

/**
 * Everything that lists names (the list, its API, CSV and feed, the snapshot files): as short-lived
 * as the rest, and never served stale when we are down, or a CDN could keep a withdrawn name for a
 * day. A withdrawn name is gone from a CDN within 90 seconds at most (s-maxage + stale-while-revalidate).
 */
export const NAMES_CACHE = "public, max-age=0, s-maxage=30, stale-while-revalidate=60";
