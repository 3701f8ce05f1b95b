import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext, HandleDataRequestFunction, HandleErrorFunction } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { I18nextProvider } from "react-i18next";
import { i18nFor } from "./i18n.server";
import { safePath } from "./utils/logger.server";
import { NonceProvider } from "./utils/nonce";

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  // Bots and crawlers get the whole document at once; people get it streamed.
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  const nonce = loadContext.nonce;
  // The page is in the visitor's language (decision 019): a cache in front must keep one copy per language.
  varyByLanguage(responseHeaders, loadContext.language);
  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <I18nextProvider i18n={i18nFor(loadContext.language)}>
        <NonceProvider value={nonce}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
        </NonceProvider>
      </I18nextProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }));
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell are logged here; ones before it reach Remix's handleError.
          if (shellRendered) loadContext.log.error({ err: error }, "render error");
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

function varyByLanguage(headers: Headers, language: string) {
  headers.append("Vary", "Accept-Language, Cookie");
  headers.set("Content-Language", language);
}

/** Loader and action data may hold words in the visitor's language too (field messages are keys, but not every answer). */
export const handleDataRequest: HandleDataRequestFunction = (response, { context }) => {
  varyByLanguage(response.headers, context.language);
  return response;
};

export const handleError: HandleErrorFunction = (error, { request, context }) => {
  if (request.signal.aborted) return;
  context.errors?.push(error);
  // A 404 or 405 is an answer, not a fault; and its message would put the URL (maybe a token) in the log.
  if (isRouteErrorResponse(error) && error.status < 500) return;
  context.log.error({ err: error, path: safePath(request.url.replace(/^[a-z]+:\/\/[^/]+/i, "")) }, "unhandled error");
};
