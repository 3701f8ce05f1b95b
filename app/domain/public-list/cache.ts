/**
 * Every public GET: a CDN may serve it for 30 s, then serve the old copy for a minute while it
 * fetches a new one, and for a day if we are down. Browsers revalidate (max-age=0) with the ETag.
 */
export const PUBLIC_CACHE = "public, max-age=0, s-maxage=30, stale-while-revalidate=60, stale-if-error=86400";

/** Daily snapshots never change once taken. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";
