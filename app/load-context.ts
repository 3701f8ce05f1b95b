import type { Db } from "../db/client";
import type { TxtResolver } from "./domain/labels/dns.server";
import type { CampaignAccess } from "./domain/campaign/states";
import type { LetterTranslations, LetterVersion } from "./domain/letter/letter.server";
import type { Env } from "./utils/env.server";
import type { Logger } from "./utils/logger.server";

/** What the server hands every loader and action (server/app.ts builds it per request). */
export interface CountersignContext {
  db: Db;
  env: Env;
  log: Logger;
  /** The letter version in force, registered once at start (server/main.ts); loaders and actions pass it to the domain. */
  letter: LetterVersion;
  /** The version in force in each language the letter is translated into (letters.en is `letter`). */
  letters: LetterTranslations;
  /** The visitor's language (app/i18n.server.ts: ?lng=, the switch's cookie, Accept-Language), detected once per request. */
  language: string;
  /** TXT lookups for a label's DNS proof. */
  resolveTxt: TxtResolver;
  /** The client's IP, taken from X-Forwarded-For only through TRUSTED_PROXIES. Never log it. */
  clientIp: string;
  /** What this request may see and do under the letter's launch state (decision 017); read once per request. */
  access: () => Promise<CampaignAccess>;
  /** The CSP nonce for this response's inline scripts. */
  nonce: string;
  /** Errors Remix's handleError saw for this request: server/edge.ts answers 503 when one says the database is away. */
  errors?: unknown[];
}

declare module "@remix-run/node" {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AppLoadContext extends CountersignContext {}
}

// Types for loaders under Single Fetch (remix.config.js future.v3_singleFetch).
declare module "@remix-run/server-runtime" {
  interface Future {
    v3_singleFetch: true;
  }
}
