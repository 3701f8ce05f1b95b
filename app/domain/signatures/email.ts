/**
 * The address a person signs with, normalised so that one mailbox signs once: case folded, and for
 * the big mailbox providers the parts they ignore (dots for Gmail, +tags) removed.
 */
const PLUS_TAG_PROVIDERS = new Set([
  "gmail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "icloud.com",
  "me.com",
  "mac.com",
  "fastmail.com",
  "proton.me",
  "protonmail.com",
  "pm.me",
  "hey.com",
]);
const DOT_BLIND_PROVIDERS = new Set(["gmail.com"]);
const ALIASES: Record<string, string> = { "googlemail.com": "gmail.com" };

/** Free mailbox providers: a domain limit would throttle everyone using them. */
export const FREEMAIL_DOMAINS: ReadonlySet<string> = new Set([
  ...PLUS_TAG_PROVIDERS,
  "googlemail.com",
  "yahoo.com",
  "yahoo.co.uk",
  "aol.com",
  "gmx.de",
  "gmx.net",
  "web.de",
  "mail.ru",
  "yandex.ru",
  "qq.com",
  "163.com",
  "orange.fr",
  "free.fr",
  "hotmail.co.uk",
  "hotmail.fr",
  "outlook.fr",
  "libero.it",
  "t-online.de",
]);

export function emailDomain(address: string): string {
  const domain = address.slice(address.lastIndexOf("@") + 1).toLowerCase();
  return ALIASES[domain] ?? domain;
}

export function normaliseEmail(address: string): string {
  const at = address.lastIndexOf("@");
  let local = address.slice(0, at).toLowerCase();
  const domain = emailDomain(address);
  if (PLUS_TAG_PROVIDERS.has(domain)) local = local.split("+", 1)[0]!;
  if (DOT_BLIND_PROVIDERS.has(domain)) local = local.replace(/\./g, "");
  return `${local}@${domain}`;
}
