import type { InitOptions } from "i18next";

/**
 * The site's languages. Adding one is a folder of text, app/locales/<code>/ (the same files and
 * keys as app/locales/en/), its code in this list, and optionally the letter's translation in
 * content/letters/spotify-ice.<code>.md. Nothing else names a language.
 */
export const LANGUAGES = ["en", "es"] as const;

/** The language of the letter's original text and of anything not (yet) translated. */
export const DEFAULT_LANGUAGE = "en";

/** The translation files of every language (app/locales/<language>/<namespace>.json). */
export const NAMESPACES = ["common", "letter", "sign", "list", "press", "labels", "errors", "emails"] as const;
export type Namespace = (typeof NAMESPACES)[number];

/**
 * What the browser loads (the emails are rendered on the server only), plus `countries`, which is
 * no file: the server writes each language's country names from Intl at start (i18n.server.ts), so
 * the browser shows exactly the names, in exactly the order, the server rendered.
 */
export const CLIENT_NAMESPACES = [...NAMESPACES.filter((ns) => ns !== "emails"), "countries"];

/** The language cookie the switch sets (read by remix-i18next on the server). */
export const LANGUAGE_COOKIE = "countersign_lang";

/** One i18next configuration for the server, the browser and the email worker. */
export const i18nConfig = {
  supportedLngs: [...LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  defaultNS: "common",
  ns: [...CLIENT_NAMESPACES],
  // React escapes what it renders; emails are React too.
  interpolation: { escapeValue: false },
  // Text that is not a key (a message from a rule that is not translated) is shown as it is, colons included.
  nsSeparator: false,
  returnNull: false,
  react: { useSuspense: false },
} satisfies InitOptions;

/**
 * Pages that stay English whatever the visitor's language: the moderators' and admins' pages, a
 * label rep's dashboard and the dev mailbox. They show no language switch.
 */
export function englishOnly(pathname: string): boolean {
  return /^\/(?:admin|label|dev)(?:[/.]|$)/.test(pathname);
}

export function isLanguage(value: unknown): value is string {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** A language's own name for itself ("español"; "Español" to stand alone, as on the switch), from Intl: no list of names to keep. */
export function languageName(language: string, standalone = true): string {
  const name = new Intl.DisplayNames([language], { type: "language" }).of(language) ?? language;
  return standalone ? name.charAt(0).toLocaleUpperCase(language) + name.slice(1) : name;
}
