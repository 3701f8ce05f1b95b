import { randomBytes } from "node:crypto";
import path from "node:path";
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import compression from "compression";
import express, { type Request, type Response, type NextFunction } from "express";
import { sql } from "kysely";
import type { Database } from "../db/client";
import type { LetterTranslations, LetterVersion } from "../app/domain/letter/letter.server";
import { detectLanguage } from "../app/i18n.server";
import { DEFAULT_LANGUAGE, LANGUAGE_COOKIE, englishOnly } from "../app/i18n";
import { queueLag } from "../app/domain/outbox/status.server";
import { CORS_HEADERS } from "../app/utils/public-http.server";
import "../app/load-context";
import type { Env } from "../app/utils/env.server";
import { safePath, type Logger } from "../app/utils/logger.server";
import { MAX_BODY_BYTES, MAX_ROSTER_BODY_BYTES } from "../app/utils/request.server";
import { systemTxtResolver, type TxtResolver } from "../app/domain/labels/dns.server";
import { listStateTag } from "../app/domain/public-list/rollup.server";
import { NAMES_CACHE } from "../app/utils/cache";
import { conditionalGet } from "./conditional";
import { renderCache, type RenderCacheStats } from "./render-cache";
import { ACCESS_COOKIE, campaignAccess } from "../app/domain/campaign/campaign.server";
import { readCookie } from "../app/utils/cookies";
import { LABEL_PATH, WEBHOOK_PATH, badAddress, errorAnswer, isAdminPath, keepPrivate, methodAndTarget, privateAnswers, readBody, remixHandler } from "./edge";

function memo<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
}

export interface AppDeps {
  build: ServerBuild;
  database: Database;
  env: Env;
  log: Logger;
  /** The letter version in force in the default language, as registered at start. */
  letter: LetterVersion;
  /** The version in force in each language that has a translation (default: the one above). */
  letters?: LetterTranslations;
  /** Folder holding public/ (defaults to the working directory). */
  root?: string;
  /** How long a request body may take to arrive after its headers (default 10 s). */
  bodyTimeoutMs?: number;
  /** TXT lookups for a label's DNS proof (default: node's resolver; tests inject their own). */
  resolveTxt?: TxtResolver;
}

export interface CountersignApp {
  app: express.Express;
  /** Marks the app as shutting down: /healthz answers 503 so a load balancer stops sending. */
  startDraining(): void;
  /** The render cache's counters (tests read them), undefined when RENDER_CACHE_SECONDS=0. */
  renderStats(): RenderCacheStats | undefined;
}

export function securityHeaders(env: Env) {
  const hsts = env.APP_URL.startsWith("https://");
  return (req: Request, res: Response, next: NextFunction) => {
    const nonce = randomBytes(16).toString("base64");
    res.locals.nonce = nonce;
    const csp = [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "base-uri 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ].join("; ");
    // A route may send its own policy (the dev mailbox's HTML view does); otherwise this one.
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: Parameters<typeof writeHead>) {
      if (!res.getHeader("content-security-policy") && !res.locals.noCsp) res.setHeader("Content-Security-Policy", csp);
      return writeHead.apply(this, args);
    } as typeof writeHead;
    res.setHeader("Referrer-Policy", "strict-origin-when-cross-origin");
    res.setHeader("X-Content-Type-Options", "nosniff");
    // The count widget is made to be framed by other sites (its own CSP says so); nothing else is.
    if (req.path !== "/embed") res.setHeader("X-Frame-Options", "DENY");
    res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if (hsts) res.setHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    next();
  };
}

/**
 * Every state-changing request must come from our own pages: a browser's Origin must name the host
 * the request was sent to (the host a trusted proxy forwarded, behind one). Without Origin, a
 * request to /admin (where a cookie signs it) must say `Sec-Fetch-Site: same-origin`; and none
 * may say it comes from another site. Only the webhook route, signed instead and sent from
 * elsewhere, is exempt: its exact path, so nothing that resolves elsewhere (`/webhooks/../admin`,
 * `//webhooks/resend`, other cases) is. (Remix makes a host check for actions but answers a
 * mismatch with a 500.)
 */
export function originCheck() {
  const refuse = (res: Response) => res.status(403).type("text/plain").send("This form must be sent from Countersign's own pages.");
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || req.path === WEBHOOK_PATH) return next();
    const origin = req.get("origin");
    const site = req.get("sec-fetch-site");
    // A browser that says the request comes from another site is believed, whatever else it sends.
    if (site === "cross-site" || site === "same-site") return void refuse(res);
    if (origin) {
      const host = (req.app.get("trust proxy") && req.get("x-forwarded-host")) || req.get("host");
      return URL.canParse(origin) && new URL(origin).host === host ? next() : void refuse(res);
    }
    if (isAdminPath(req.originalUrl)) {
      if (site === "same-origin") return next();
      res
        .status(403)
        .type("text/plain")
        .send("This form must be sent from Countersign's own pages, by a browser that says so (an Origin or Sec-Fetch-Site: same-origin header).");
      return;
    }
    next();
  };
}

export function createApp({
  build,
  database,
  env,
  log,
  letter,
  letters = { [letter.language]: letter },
  root = process.cwd(),
  bodyTimeoutMs = 10_000,
  resolveTxt = systemTxtResolver(),
}: AppDeps): CountersignApp {
  let draining = false;
  const app = express();
  app.disable("x-powered-by");
  // The client IP comes from X-Forwarded-For only when the peer is one of TRUSTED_PROXIES.
  app.set("trust proxy", env.TRUSTED_PROXIES.length > 0 ? env.TRUSTED_PROXIES : false);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      log.info(
        {
          method: req.method,
          path: safePath(req.originalUrl),
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        },
        "request",
      );
    });
    if (draining) res.setHeader("Connection", "close");
    next();
  });
  app.use(securityHeaders(env));
  app.use(privateAnswers());
  app.use(methodAndTarget());
  // A label's roster upload (up to 1 MB of CSV, posted as a file or as pasted text) is the one larger form.
  app.use(readBody({ maxBytes: MAX_BODY_BYTES, timeoutMs: bodyTimeoutMs, larger: { path: LABEL_PATH, maxBytes: MAX_ROSTER_BODY_BYTES } }));
  app.use(originCheck());
  app.use(badAddress());
  app.use(compression());
  app.use(conditionalGet());
  // The public API may be read from any site (simple GETs need no preflight; this answers the rest).
  app.options("/api/v1/*", (_req, res) => {
    res.set(CORS_HEADERS).set("Cache-Control", "public, max-age=86400").status(204).end();
  });

  app.get("/healthz", async (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    if (draining) return res.status(503).json({ status: "draining" });
    const started = Date.now();
    try {
      await sql`select 1`.execute(database.db);
      const ms = Date.now() - started;
      res.json({ status: "ok", database: { backend: database.backend, ms }, outbox: await queueLag(database.db) });
    } catch (error) {
      log.error({ err: error }, "health check: database unreachable");
      res.status(503).json({ status: "error", database: { backend: database.backend, error: "unreachable" } });
    }
  });

  const publicDir = path.join(root, "public");
  app.use("/build", express.static(path.join(publicDir, "build"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(publicDir, { maxAge: "1h" }));

  // The visitor's language (decision 019), before the render cache, whose key includes it.
  app.use(async (req, res, next) => {
    const headers = new Headers();
    for (const name of ["cookie", "accept-language"]) {
      const value = req.get(name);
      if (value) headers.set(name, value);
    }
    // A target that is no URL at all (`//[`) gets English; the router answers it as it always did.
    const url = URL.parse(req.originalUrl, "http://countersign.invalid");
    res.locals.language = !url || englishOnly(url.pathname) ? DEFAULT_LANGUAGE : await detectLanguage(new Request(url, { headers }));
    next();
  });

  // Public anonymous answers rendered once per RENDER_CACHE_SECONDS per URL and language (decision 015).
  const cache =
    env.RENDER_CACHE_SECONDS > 0
      ? renderCache({
          ttlSeconds: env.RENDER_CACHE_SECONDS,
          // Before launch nothing is kept: what a page shows depends on the visitor's link (decision 017).
          readTag: async () => {
            const tag = await listStateTag(database.db, letter.letterId);
            return tag.startsWith("public.") || tag.startsWith("closed.") ? tag : undefined;
          },
          version: `${build.assets.version} ${letter.letterId} ${Object.values(letters)
            .map((v) => v.sha256)
            .join(" ")}`,
          stable: { "/signatures": NAMES_CACHE },
          variant: (_req, res) => String(res.locals.language),
          anonymousCookies: [LANGUAGE_COOKIE],
        })
      : undefined;
  if (cache) app.use(cache.middleware);

  app.use(
    remixHandler(build, process.env.NODE_ENV === "production" ? "production" : "development", (req, res): AppLoadContext => ({
      db: database.db,
      env,
      log,
      letter,
      letters,
      language: String(res.locals.language),
      resolveTxt,
      clientIp: req.ip ?? req.socket.remoteAddress ?? "",
      // Asked for once per request, by the loaders and actions that show or take what a launch hides (decision 017).
      access: memo(async () => {
        const access = await campaignAccess(database.db, letter.letterId, readCookie(req.get("cookie"), ACCESS_COOKIE));
        // Before launch no shared cache may keep any answer: what it holds depends on a private link.
        if (access.private) keepPrivate(res);
        return access;
      }),
      nonce: String(res.locals.nonce),
      errors: [],
    })),
  );
  app.use(errorAnswer(log));

  return { app, startDraining: () => void (draining = true), renderStats: () => cache?.stats() };
}
