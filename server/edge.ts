import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler, writeReadableStreamToWritable } from "@remix-run/node";
import type { NextFunction, Request, Response } from "express";
import { isDatabaseUnavailable } from "../db/client";
import { safePath, type Logger } from "../app/utils/logger.server";

/**
 * What the Express host decides before Remix sees a request: which paths are private, which
 * methods exist, how much body is read and for how long, and how a refused body is closed.
 */

/** The one route that takes requests from elsewhere (signed by Resend instead of Origin-checked). */
export const WEBHOOK_PATH = "/webhooks/resend";
/** The label rep's dashboard, whose roster upload is the one form larger than MAX_BODY_BYTES. */
export const LABEL_PATH = "/label";

/** Where a path with broken percent-escapes is shown (a page that says so, status 400). */
export const BAD_ADDRESS_PATH = "/bad-address";

/**
 * A request target as Remix's router will match it: resolved the way Remix builds its URL
 * (`new URL(origin + target)`: `..`, `%2e%2e` and `\` handled by the URL parser), percent-escapes
 * decoded, repeated slashes collapsed, lower case (route matching ignores case).
 * Undefined when it is not a path or its escapes are broken.
 */
export function routedPath(target: string): string | undefined {
  if (!target.startsWith("/")) return undefined;
  try {
    const pathname = new URL(`http://edge.invalid${target}`).pathname;
    return decodeURIComponent(pathname)
      .replace(/\/{2,}/g, "/")
      .toLowerCase();
  } catch {
    return undefined;
  }
}

/** Whether the request reaches /admin (or cannot be told apart from it). */
export function isAdminPath(target: string): boolean {
  const path = routedPath(target);
  return path === undefined || /^\/admin(?:[/.]|$)/.test(path);
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const ALLOWED = "GET, HEAD, POST";

/**
 * Only GET, HEAD and POST reach the app (OPTIONS only the public API's preflight); anything else
 * (TRACE, PUT, …) is a 405 naming what is allowed, where Remix would fail to build the request.
 * A request target that is not a path (absolute-form `http://host/…`, `*`) is a 400.
 */
export function methodAndTarget() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.url.startsWith("/")) return void res.status(400).type("text/plain").send("Bad request target.");
    const preflight = req.method === "OPTIONS" && req.path.startsWith("/api/v1/");
    if (req.method === "GET" || req.method === "HEAD" || req.method === "POST" || preflight) return next();
    res.setHeader("Allow", ALLOWED);
    res.status(405).type("text/plain").send(`This site answers only ${ALLOWED}.`);
  };
}

/**
 * A path whose percent-escapes do not decode (`/confirm/%00%ff`) cannot name any page: GETs are
 * shown the site's own 400 page (Remix renders BAD_ADDRESS_PATH; the log keeps the original
 * path), anything else gets a short 400.
 */
export function badAddress() {
  return (req: Request, res: Response, next: NextFunction) => {
    try {
      decodeURIComponent(req.path);
      return next();
    } catch {
      if (req.method !== "GET" && req.method !== "HEAD") return void res.status(400).type("text/plain").send("This address is not valid.");
      req.url = BAD_ADDRESS_PATH;
      next();
    }
  };
}

export const PRIVATE_CACHE = "private, no-store";

/**
 * Every answer under /admin (emails, private names, IP hashes) and every answer to an action
 * (a refused form echoes what was typed) is private and not stored: whatever a route, a redirect
 * or an error page set, Cache-Control ends up `private, no-store`.
 */
export function privateAnswers() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) && !isAdminPath(req.originalUrl)) return next();
    keepPrivate(res);
    next();
  };
}

/** Makes this answer `private, no-store` whatever is set later (also for pages before a letter's launch). */
export function keepPrivate(res: Response): void {
  if (res.locals.keptPrivate) return;
  res.locals.keptPrivate = true;
  const setHeader = res.setHeader;
  res.setHeader = function (this: Response, name: string, value: number | string | readonly string[]) {
    return setHeader.call(this, name, name.toLowerCase() === "cache-control" ? PRIVATE_CACHE : value);
  } as typeof setHeader;
  if (!res.headersSent) res.setHeader("Cache-Control", PRIVATE_CACHE);
}

/** How long a refused connection is kept reading after its answer, so the client can read it. */
const LINGER_MS = 2_000;

/**
 * Answers with `Connection: close` and closes cleanly while the client may still be sending a
 * body: Node closes such a socket as soon as the answer is written, and closing with unread data
 * resets the connection, which can destroy the answer before the client reads it. So the socket is
 * half-closed instead (our FIN after the answer), what still arrives is discarded, and it is closed
 * when the client closes its side, or after LINGER_MS.
 */
function refuseAndClose(req: Request, res: Response, status: number, message: string) {
  const socket = req.socket;
  socket.destroySoon = function () {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once("close", () => clearTimeout(timer));
  };
  req.removeAllListeners("data");
  req.on("data", () => {});
  req.resume();
  res.setHeader("Connection", "close");
  res.status(status).type("text/plain").send(message);
}

/**
 * Reads a request's body whole before Remix sees it (res.locals.body), at most `maxBytes` and
 * within `timeoutMs` of the headers: more is a 413, slower a 408, each answered with
 * `Connection: close` and closed cleanly. A route's own, lower limit answers 413 from Remix after
 * the body was read; that answer closes the connection too.
 */
export function readBody({ maxBytes: defaultMax, timeoutMs, larger }: { maxBytes: number; timeoutMs: number; larger?: { path: string; maxBytes: number } }) {
  return (req: Request, res: Response, next: NextFunction) => {
    // The larger limit only for a request carrying a session cookie (requireRep checks it after): a
    // signed-out visitor cannot make the server hold 6 MB bodies.
    const signedIn = /(?:^|;\s*)(?:__Host-)?countersign_session=[a-z0-9]/.test(req.get("cookie") ?? "");
    const maxBytes = larger && req.path === larger.path && req.method === "POST" && signedIn ? larger.maxBytes : defaultMax;
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<typeof writeHead>) {
      if (args[0] === 413) res.setHeader("Connection", "close");
      return writeHead.apply(this, args);
    } as typeof writeHead;
    // A GET may carry a body too (no form of ours sends one): it is read under the same limits and dropped.
    const hasBody = req.get("transfer-encoding") !== undefined || Number(req.get("content-length") ?? 0) > 0;
    if (!hasBody && (req.method === "GET" || req.method === "HEAD")) return next();
    const tooLarge = "The request was larger than any form on this site.";
    if (Number(req.get("content-length") ?? 0) > maxBytes) return refuseAndClose(req, res, 413, tooLarge);
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = () => {
      settled = true;
      clearTimeout(timer);
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settle();
      refuseAndClose(req, res, 408, "The request body did not arrive in time.");
    }, timeoutMs);
    req.on("data", (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        settle();
        return refuseAndClose(req, res, 413, tooLarge);
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (settled) return;
      settle();
      res.locals.body = Buffer.concat(chunks);
      next();
    });
    // The client went away: there is no one to answer.
    req.on("error", settle);
    req.on("aborted", settle);
  };
}

/**
 * Remix behind Express, as @remix-run/express does it, except that the body is the one readBody
 * already read (and the URL is req.url, which badAddress may have rewritten).
 */
export function remixHandler(build: ServerBuild, mode: string, getLoadContext: (req: Request, res: Response) => AppLoadContext) {
  const handle = createRequestHandler(build, mode);
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const request = fetchRequest(req, res);
      if (!request) return void res.status(400).type("text/plain").send("Bad request.");
      const context = getLoadContext(req, res);
      const response = await handle(request, context);
      // Remix renders a failed loader or action as a 500; when the database was away, say so: 503, try again soon.
      if (response.status >= 500 && context.errors?.some(isDatabaseUnavailable)) {
        await response.body?.cancel();
        return void databaseUnavailable(res);
      }
      res.statusMessage = response.statusText;
      res.status(response.status);
      for (const [name, value] of response.headers.entries()) res.append(name, value);
      if (response.body) await writeReadableStreamToWritable(response.body, res);
      else res.end();
    } catch (error) {
      next(error);
    }
  };
}

function fetchRequest(req: Request, res: Response): globalThis.Request | undefined {
  // req.hostname respects "trust proxy" but drops the port; take it from the header it came from.
  const portOf = (host: string | undefined) => Number.parseInt(host?.split(":")[1] ?? "", 10);
  const port = [portOf(req.get("x-forwarded-host")), portOf(req.get("host"))].find(Number.isSafeInteger);
  const origin = `${req.protocol}://${req.hostname}${port ? `:${port}` : ""}`;
  if (!URL.canParse(`${origin}${req.url}`)) return undefined;
  const controller = new AbortController();
  // Abort loaders and actions once no answer can be written (closed before it finished).
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  const body = res.locals.body as Buffer | undefined;
  return new Request(new URL(`${origin}${req.url}`).href, {
    method: req.method,
    headers,
    signal: controller.signal,
    ...(req.method !== "GET" && req.method !== "HEAD" ? { body: new Uint8Array(body ?? []) } : {}),
  });
}

/** Seconds a client is told to wait while the database is away (PostgreSQL restarts in a few). */
const RETRY_AFTER_SECONDS = 5;

/** The answer while the database cannot be reached: quick, not stored, with a time to try again. */
export function databaseUnavailable(res: Response): void {
  if (res.headersSent) return void res.destroy();
  res
    .status(503)
    .set({ "Retry-After": String(RETRY_AFTER_SECONDS), "Cache-Control": "no-store" })
    .type("text/plain");
  res.send("Countersign cannot reach its database right now. Please try again in a few seconds.");
}

/** The last resort: logged (path without query or tokens), answered without a stack. */
export function errorAnswer(log: Logger) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (isDatabaseUnavailable(error)) {
      log.warn({ err: error, path: safePath(req.originalUrl) }, "database unreachable");
      return void databaseUnavailable(res);
    }
    const status = Number((error as { status?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode);
    const clientError = Number.isInteger(status) && status >= 400 && status < 500;
    if (!clientError) log.error({ err: error, path: safePath(req.originalUrl) }, "unhandled error");
    if (res.headersSent) return void res.destroy();
    res.status(clientError ? status : 500).type("text/plain");
    res.send(clientError ? "Bad request." : "Something went wrong. Please try again in a moment.");
  };
}
