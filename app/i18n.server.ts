import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { createCookie } from "@remix-run/node";
import { createInstance, type i18n as I18n, type Resource, type TFunction } from "i18next";
import { RemixI18Next } from "remix-i18next/server";
import { sha256 } from "./domain/common/hash";
import { COUNTRIES } from "./domain/signatures/countries";
import { CLIENT_NAMESPACES, DEFAULT_LANGUAGE, LANGUAGES, LANGUAGE_COOKIE, i18nConfig, isLanguage } from "./i18n";

/**
 * Every translation, read once from app/locales/<language>/<namespace>.json at start. The server
 * renders pages and emails from these; the browser fetches its language's client namespaces from
 * /locales/<language> (routes/locales.$lng.ts).
 */
export function readLocales(dir = path.resolve("app/locales")): Resource {
  const resources: Resource = {};
  for (const language of LANGUAGES) {
    resources[language] = {};
    for (const file of readdirSync(path.join(dir, language)).filter((f) => f.endsWith(".json"))) {
      resources[language][file.replace(/\.json$/, "")] = JSON.parse(readFileSync(path.join(dir, language, file), "utf8")) as Record<string, unknown>;
    }
    resources[language].countries = countryNames(language);
  }
  return resources;
}

/** Country names in `language`, in its alphabetical order (English keeps the list's own names). */
function countryNames(language: string): Record<string, string> {
  if (language === DEFAULT_LANGUAGE) return Object.fromEntries(COUNTRIES);
  const names = new Intl.DisplayNames([language], { type: "region", fallback: "none" });
  const collator = new Intl.Collator(language);
  return Object.fromEntries(COUNTRIES.map(([code, english]) => [code, names.of(code) ?? english] as const).sort((a, b) => collator.compare(a[1], b[1])));
}

export const resources = readLocales();

/** The switch's choice, remembered for a year. Read by the detector below; written by routes/language.ts. */
export const languageCookie = createCookie(LANGUAGE_COOKIE, { path: "/", sameSite: "lax", httpOnly: true, maxAge: 365 * 24 * 60 * 60 });

/**
 * The visitor's language: `?lng=` (a link to one translation), then the switch's cookie, then
 * Accept-Language, then English.
 */
export const remixI18n = new RemixI18Next({
  detection: {
    supportedLanguages: [...LANGUAGES],
    fallbackLanguage: DEFAULT_LANGUAGE,
    cookie: languageCookie,
    order: ["searchParams", "cookie", "header"],
  },
  i18next: { ...i18nConfig, resources },
});

/** The visitor's language for this request (never throws: a malformed cookie or header is ignored). */
export async function detectLanguage(request: Request): Promise<string> {
  try {
    const language = await remixI18n.getLocale(request);
    return isLanguage(language) ? language : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE;
  }
}

const instances = new Map<string, I18n>();

/**
 * An i18next instance fixed to one language, shared by every render in it (it is never switched,
 * so sharing is safe). The resources are in memory, so init is synchronous.
 */
export function i18nFor(language: string): I18n {
  const lng = isLanguage(language) ? language : DEFAULT_LANGUAGE;
  let instance = instances.get(lng);
  if (!instance) {
    instance = createInstance();
    void instance.init({ ...i18nConfig, ns: [...CLIENT_NAMESPACES, "emails"], resources, lng, initImmediate: false });
    instances.set(lng, instance);
  }
  return instance;
}

/** A translation function for server code (emails, JSON error messages). */
export function fixedT(language: string, ns: string = "common"): TFunction {
  return i18nFor(language).getFixedT(isLanguage(language) ? language : DEFAULT_LANGUAGE, ns);
}

/** The client namespaces of one language, as the browser loads them, with a tag that changes with their text. */
export function clientResources(language: string): { body: string; tag: string } {
  const cached = clientCache.get(language);
  if (cached) return cached;
  const data = Object.fromEntries(CLIENT_NAMESPACES.map((ns) => [ns, resources[language]?.[ns] ?? {}]));
  const body = JSON.stringify(data);
  const entry = { body, tag: sha256(body).slice(0, 12) };
  clientCache.set(language, entry);
  return entry;
}
const clientCache = new Map<string, { body: string; tag: string }>();

/** The translation function of a loader or action's request (its language was detected once, server/app.ts). */
export function tFor(context: { language: string }, ns: string = "common"): TFunction {
  return fixedT(context.language, ns);
}

/** A page's <title>, in the visitor's language, for its loader to hand to its meta function. */
export function pageTitle(context: { language: string }, ns: string, key: string): string {
  return `${tFor(context, ns)(key)} · Countersign`;
}
