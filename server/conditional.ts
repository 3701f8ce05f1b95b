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
export function conditionalGet() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== "GET") return next();
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    let mode: "undecided" | "hold" | "pass" = "undecided";
    const chunks: Buffer[] = [];

    const decide = () => {
      if (mode !== "undecided") return;
      const cacheControl = String(res.getHeader("cache-control") ?? "");
      mode = res.statusCode === 200 && /\bpublic\b/.test(cacheControl) && !res.getHeader("etag") ? "hold" : "pass";
    };
    const toBuffer = (chunk: unknown, encoding?: unknown) =>
      Buffer.isBuffer(chunk)
        ? chunk
        : typeof chunk === "string"
          ? Buffer.from(chunk, (encoding as BufferEncoding) ?? "utf8")
          : Buffer.from(chunk as Uint8Array);

    res.write = function (chunk: unknown, ...rest: unknown[]) {
      decide();
      if (mode === "pass") return write(chunk, ...rest);
      chunks.push(toBuffer(chunk, typeof rest[0] === "string" ? rest[0] : undefined));
      const callback = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      callback?.();
      return true;
    } as Response["write"];

    res.end = function (...args: unknown[]) {
      decide();
      if (mode === "pass") return end(...args);
      const [chunk, encoding] = args;
      if (chunk !== undefined && typeof chunk !== "function") chunks.push(toBuffer(chunk, typeof encoding === "string" ? encoding : undefined));
      const body = Buffer.concat(chunks);
      const nonce = String(res.locals.nonce ?? "");
      const hashed = nonce ? body.toString("utf8").replaceAll(nonce, "") : body;
      const etag = `W/"${createHash("sha256").update(hashed).digest("base64url").slice(0, 27)}"`;
      res.setHeader("ETag", etag);
      if (etagMatches(req.get("if-none-match"), etag)) {
        res.statusCode = 304;
        for (const name of ["content-type", "content-length", "content-security-policy", "transfer-encoding"]) res.removeHeader(name);
        res.locals.noCsp = true;
        return end();
      }
      res.setHeader("Content-Length", body.length);
      return end(body);
    } as Response["end"];
    next();
  };
}
