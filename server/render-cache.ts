import { createHash } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { etagMatches } from "../app/utils/etag";
import { bodyEtag, holdBody, notModified } from "./conditional";

/**
 * A read shared by the calls that arrive together, never older than a call: a call made while a
 * read is in flight (which may have been sent before it) waits for the next read, which starts when
 * that one settles. So at any concurrency one query is in flight and one queued, and every answer
 * was read after its call was made: a withdrawal committed before a request arrived is seen by it.
 */
export function readAfterCall<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const start = () => (inFlight = read().finally(() => (inFlight = undefined)));
  return () => {
    if (!inFlight) return start();
    return (queued ??= inFlight
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      }));
  };
}

/**
 * Public answers rendered once per short interval per URL (decision 015), as a CDN in front would:
 * a bounded in-process LRU of anonymous GET answers that are `Cache-Control: public`, status 200,
 * set no cookie and vary on nothing but Accept-Encoding and the language (which is in the key, with
 * the URL: `variant`; a request carrying only the language cookie is still anonymous). Concurrent misses for one URL wait on one
 * render (single flight). An answer is served from the cache with an honest `Age`, for at most
 * `ttlSeconds`, and only while the list's state tag (read for every request: two index lookups)
 * is the one it was rendered under, so a withdrawn name leaves a cached page as soon as its
 * withdrawal commits.
 *
 * The body is stored split at the render's CSP nonce and joined with each answer's own nonce, so
 * every answer still carries a fresh nonce that matches its own policy.
 *
 * Paths in `stable` get an ETag known before rendering (build, letter, list state tag, URL), so a
 * matching If-None-Match is a 304 without any render; other answers get the hash of their body,
 * computed once per render.
 */
export interface RenderCacheOptions {
  ttlSeconds: number;
  /** The list's state tag (listStateTag), read for each request; undefined: cache nothing now (a letter before launch). */
  readTag: () => Promise<string | undefined>;
  /** What goes into a pre-render ETag besides the tag and the URL (the build version, the letter). */
  version: string;
  /** Paths whose answer depends only on the list's state, the URL and the build: their Cache-Control. */
  stable: Record<string, string>;
  /** What else an answer depends on, part of its key (the visitor's language, detected before the cache). */
  variant?: (req: Request, res: Response) => string;
  /** Cookies that do not make a request personal (the language switch's): a request carrying only these is still anonymous. */
  anonymousCookies?: string[];
  maxEntries?: number;
  maxBytes?: number;
  /** An answer larger than this is sent as it renders and not kept. */
  maxEntryBytes?: number;
  now?: () => number;
}

export interface RenderCacheStats {
  /** Answers rendered by the app for a request the cache could have served (misses). */
  renders: number;
  /** Answers served from a stored render (including requests that waited on another's render). */
  hits: number;
  /** 304s answered from the pre-render ETag, without any render. */
  notModified: number;
  entries: number;
  bytes: number;
}

interface Entry {
  tag: string;
  storedAt: number;
  status: number;
  headers: [string, string | number | string[]][];
  /** The body split at the render's nonce (an HTML page), or whole (an image, JSON, CSV): bytes, never re-encoded. */
  parts: Buffer[];
  etag: string;
  bytes: number;
}

/**
 * Set by each answer, never copied from a stored one. (A route's own Content-Security-Policy is
 * kept; the default one, with the nonce, is added by securityHeaders as each answer is written.)
 */
const OWN_HEADERS = new Set(["content-length", "transfer-encoding", "etag", "age", "date", "connection", "keep-alive"]);

/** Whether a header already set carries this answer's nonce (it could not be reused). */
function headersNameNonce(res: Response) {
  const nonce = String(res.locals.nonce ?? "");
  return nonce !== "" && Object.values(res.getHeaders()).some((value) => String(value).includes(nonce));
}

export function renderCache({
  ttlSeconds,
  readTag: readEach,
  version,
  stable,
  variant = () => "",
  anonymousCookies = [],
  maxEntries = 500,
  maxBytes = 32 * 1024 * 1024,
  maxEntryBytes = 1024 * 1024,
  now = Date.now,
}: RenderCacheOptions) {
  // One tag query in flight at a time, each request's tag read after it arrived.
  const readTag = readAfterCall(readEach);
  const entries = new Map<string, Entry>();
  const flights = new Map<string, Promise<Entry | undefined>>();
  const stats = { renders: 0, hits: 0, notModified: 0, bytes: 0 };

  const forget = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    stats.bytes -= entry.bytes;
  };
  const store = (key: string, entry: Entry) => {
    forget(key);
    entries.set(key, entry);
    stats.bytes += entry.bytes;
    // Least recently used first (a hit moves its entry to the end).
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries && stats.bytes <= maxBytes) break;
      forget(oldest);
    }
  };
  const fresh = (key: string, tag: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    if (entry.tag !== tag || now() - entry.storedAt >= ttlSeconds * 1000) return void forget(key);
    entries.delete(key);
    entries.set(key, entry);
    return entry;
  };

  /** Answers from a stored render, with this answer's nonce, ETag and age. */
  const serve = (req: Request, res: Response, entry: Entry) => {
    stats.hits++;
    res.status(entry.status);
    for (const [name, value] of entry.headers) res.setHeader(name, value);
    res.setHeader("ETag", entry.etag);
    res.setHeader("Age", String(Math.max(0, Math.floor((now() - entry.storedAt) / 1000))));
    if (etagMatches(req.get("if-none-match"), entry.etag)) return void notModified(res);
    const body = joinAt(entry.parts, String(res.locals.nonce ?? ""));
    res.setHeader("Content-Length", body.length);
    res.end(body);
  };

  const middleware = async (req: Request, res: Response, next: NextFunction) => {
    // Only anonymous GETs: a cookie (a session, a flash message) or credentials may change the answer.
    if (req.method !== "GET" || !onlyCookies(req.get("cookie"), anonymousCookies) || req.get("authorization") !== undefined) return next();
    let tag: string | undefined;
    try {
      tag = await readTag();
    } catch {
      return next(); // the database is away: render as without a cache (the page says what failed)
    }
    if (tag === undefined) return next();
    const key = `${req.get("host") ?? ""} ${variant(req, res)} ${req.originalUrl}`;
    const cacheControl = stable[req.path];
    const stableEtag =
      cacheControl === undefined ? undefined : `W/"r-${createHash("sha256").update(`${version} ${tag} ${key}`).digest("base64url").slice(0, 27)}"`;
    if (stableEtag && etagMatches(req.get("if-none-match"), stableEtag)) {
      stats.notModified++;
      res.setHeader("Cache-Control", cacheControl!);
      res.setHeader("ETag", stableEtag);
      return void notModified(res);
    }

    const hit = fresh(key, tag);
    if (hit) return serve(req, res, hit);
    // A render started under another tag (before a withdrawal or a switch committed) is not this request's answer.
    const flightKey = `${tag} ${key}`;
    const flight = flights.get(flightKey);
    if (flight) {
      const entry = await flight;
      return entry ? serve(req, res, entry) : next();
    }

    // This request renders; any other for the same key waits for it.
    stats.renders++;
    let settle!: (entry: Entry | undefined) => void;
    const promise = new Promise<Entry | undefined>((resolve) => (settle = resolve));
    flights.set(flightKey, promise);
    let settled = false;
    const done = (entry: Entry | undefined) => {
      if (settled) return;
      settled = true;
      if (flights.get(flightKey) === promise) flights.delete(flightKey);
      settle(entry);
    };
    res.on("close", () => done(undefined));

    holdBody(res, {
      hold: () => {
        // The language (from Accept-Language or the switch's cookie) is in the key already.
        const vary = String(res.getHeader("vary") ?? "")
          .split(",")
          .map((v) => v.trim().toLowerCase())
          .filter((v) => v && v !== "accept-encoding" && v !== "accept-language" && !(v === "cookie" && anonymousCookies.length > 0));
        const cacheable =
          res.statusCode === 200 &&
          /\bpublic\b/.test(String(res.getHeader("cache-control") ?? "")) &&
          res.getHeader("set-cookie") === undefined &&
          res.getHeader("etag") === undefined && // an answer with its own ETag (a streamed export) streams
          vary.length === 0 &&
          !headersNameNonce(res);
        if (!cacheable) done(undefined);
        return cacheable;
      },
      // Too large to keep: sent as it renders.
      limit: maxEntryBytes,
      onRelease: () => done(undefined),
      finish: (held, end) => {
        const nonce = String(res.locals.nonce ?? "");
        // Only HTML carries the nonce; any other body (a PNG card) is kept byte for byte.
        const html = String(res.getHeader("content-type") ?? "").startsWith("text/html");
        const parts = nonce && html ? splitAt(held, Buffer.from(nonce, "utf8")) : [held];
        const headers = Object.entries(res.getHeaders())
          .filter(([name, value]) => value !== undefined && !OWN_HEADERS.has(name))
          .map(([name, value]) => [name, value] as Entry["headers"][number]);
        const entry: Entry = {
          tag,
          storedAt: now(),
          status: res.statusCode,
          headers,
          parts,
          etag: stableEtag ?? bodyEtag(Buffer.concat(parts)),
          bytes: held.length,
        };
        store(key, entry);
        done(entry);
        res.setHeader("ETag", entry.etag);
        res.setHeader("Age", "0");
        if (etagMatches(req.get("if-none-match"), entry.etag)) return notModified(res, end) as Response;
        res.setHeader("Content-Length", held.length);
        return end(held);
      },
    });
    next();
  };

  return {
    middleware,
    stats: (): RenderCacheStats => ({ ...stats, entries: entries.size }),
  };
}

/** Whether the Cookie header is absent or names only the given cookies (read tolerantly: a piece without a name counts as another cookie). */
function onlyCookies(header: string | undefined, allowed: string[]): boolean {
  if (header === undefined) return true;
  if (allowed.length === 0) return false;
  return header
    .split(";")
    .map((piece) => piece.trim())
    .filter(Boolean)
    .every((piece) => allowed.includes(piece.slice(0, piece.indexOf("=")).trim()));
}

/** The body's pieces between each occurrence of `separator`. */
function splitAt(body: Buffer, separator: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = body.indexOf(separator, from); at !== -1; at = body.indexOf(separator, from)) {
    parts.push(body.subarray(from, at));
    from = at + separator.length;
  }
  parts.push(body.subarray(from));
  return parts;
}

/** The pieces joined again with this answer's own nonce between them. */
function joinAt(parts: Buffer[], nonce: string): Buffer {
  if (parts.length === 1) return parts[0]!;
  const between = Buffer.from(nonce, "utf8");
  return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [between, part])));
}
