/**
 * Every public GET: a CDN may serve it for 30 s, then serve the old copy for a minute while it
 * fetches a new one, and for a day if we are down. Browsers revalidate (max-age=0) with the ETag.
 */
export const PUBLIC_CACHE = "public, max-age=0, s-maxage=30, stale-while-revalidate=60, stale-if-error=86400";

/**
 * Snapshot files change when a name in them is redacted, so a copy is good for as short a time as
 * the pages; and never served stale when we are down, or a CDN could keep a withdrawn name for a day.
 */
export const SNAPSHOT_CACHE = "public, max-age=0, s-maxage=30, stale-while-revalidate=60";
