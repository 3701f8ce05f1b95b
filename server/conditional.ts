import { createHash } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import { etagMatches } from "../app/utils/etag";

/**
 * ETags and 304s for every public (Cache-Control: public) GET answer that did not set its own:
 * the body is held, hashed and sent whole, or replaced by a 304 when the client already has it.
 * Public answers are small pages and JSON; the CSV export streams and sets its own ETag.
 *
 * The per-response CSP nonce is left out of the hash, so the same page hashes the same each time.
 * A 304 carries no CSP header: the browser keeps the policy stored with the body, whose nonce it matches.
 */
/** A weak ETag from a body's bytes (without its nonce). */
export function bodyEtag(body: string | Buffer): string {
  return `W/"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/** Answers 304 with the headers already set (ETag, Cache-Control), no body and no CSP. */
export function notModified(res: Response, end: () => unknown = () => res.end()) {
  res.statusCode = 304;
  for (const name of ["content-type", "content-length", "content-security-policy", "transfer-encoding"]) res.removeHeader(name);
  res.locals.noCsp = true;
  return end();
}

type End = (...args: unknown[]) => Response;

/**
 * Wraps res.write and res.end: once `hold()` (asked at the first write) says so, the body is held
 * and handed whole to `finish` with the original end; otherwise it is written through. A held body
 * past `limit` bytes is let go: what was held is written, the rest goes through, `onRelease` is called.
 */
export function holdBody(
  res: Response,
  {
    hold,
    finish,
    limit = Number.POSITIVE_INFINITY,
    onRelease,
  }: { hold: () => boolean; finish: (body: Buffer, end: End) => Response; limit?: number; onRelease?: () => void },
) {
  const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const end = res.end.bind(res) as End;
  let mode: "undecided" | "hold" | "pass" = "undecided";
  const chunks: Buffer[] = [];
  let held = 0;
  const decide = () => {
    if (mode === "undecided") mode = hold() ? "hold" : "pass";
  };
  const toBuffer = (chunk: unknown, encoding?: unknown) =>
    Buffer.isBuffer(chunk) ? chunk : typeof chunk === "string" ? Buffer.from(chunk, (encoding as BufferEncoding) ?? "utf8") : Buffer.from(chunk as Uint8Array);

  res.write = function (chunk: unknown, ...rest: unknown[]) {
    decide();
    if (mode === "pass") return write(chunk, ...rest);
    const buffer = toBuffer(chunk, typeof rest[0] === "string" ? rest[0] : undefined);
    chunks.push(buffer);
    held += buffer.length;
    if (held > limit) {
      mode = "pass";
      onRelease?.();
      write(Buffer.concat(chunks.splice(0)));
    }
    const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    callback?.();
    return true;
  } as Response["write"];

  res.end = function (...args: unknown[]) {
    decide();
    if (mode === "pass") return end(...args);
    const [chunk, encoding] = args;
    if (chunk !== undefined && typeof chunk !== "function") chunks.push(toBuffer(chunk, typeof encoding === "string" ? encoding : undefined));
    return finish(Buffer.concat(chunks), end);
  } as Response["end"];
}

export function conditionalGet() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET") return next();
    holdBody(res, {
      hold: () => res.statusCode === 200 && /\bpublic\b/.test(String(res.getHeader("cache-control") ?? "")) && !res.getHeader("etag"),
      finish: (body, end) => {
        const nonce = String(res.locals.nonce ?? "");
        const etag = bodyEtag(nonce ? body.toString("utf8").replaceAll(nonce, "") : body);
        res.setHeader("ETag", etag);
        if (etagMatches(req.get("if-none-match"), etag)) return notModified(res, end) as Response;
        res.setHeader("Content-Length", body.length);
        return end(body);
      },
    });
    next();
  };
}
