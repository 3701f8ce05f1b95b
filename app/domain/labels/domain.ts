import { createRequire } from "node:module";
import { domainToASCII, domainToUnicode } from "node:url";
import { parse } from "tldts";

/**
 * Can a label's website and a work email address prove that the person works for the label? The
 * label's domain is the website's registrable domain (label.com for https://www.label.com/about,
 * band.github.io for a GitHub Pages site); the email must be at that domain or one of its
 * subdomains, and not at a free or throwaway mailbox provider.
 *
 * Pure: no network, no database. Server-only (node:url, and the mailbox lists weigh megabytes).
 */

export type LabelDomainField = "website" | "email";

export type LabelDomainCode =
  /** Nothing entered. */
  | "empty"
  /** Not a web or email address. */
  | "invalid"
  | "spaces"
  /** ftp:, javascript:, mailto: and other non-web schemes. */
  | "scheme"
  /** user:password@ in the web address. */
  | "credentials"
  | "ip"
  | "localhost"
  /** The host does not end with a known public suffix (.local, .internal, made-up endings). */
  | "unknown_suffix"
  /** The host is a public suffix itself (co.uk, github.io): no one label owns it. */
  | "public_suffix"
  /** Mixed alphabets, or Cyrillic letters standing in for Latin ones. */
  | "lookalike"
  /** A free mailbox provider (gmail.com, yahoo.com, …). */
  | "free"
  /** A throwaway mailbox provider (mailinator.com, …). */
  | "disposable"
  /** The email is not at the label's domain. */
  | "mismatch";

export type LabelDomainCheck =
  { ok: true; domain: string; websiteUrl: string; emailDomain: string } | { ok: false; field: LabelDomainField; message: string; code: LabelDomainCode };

type Refusal = Extract<LabelDomainCheck, { ok: false }>;

const TLDTS_OPTIONS = { allowPrivateDomains: true } as const;

// The lists ship as JSON arrays; createRequire reads them in Node, tsx, vitest and the Remix server
// build alike (esbuild 0.17 in the classic compiler does not parse `with { type: "json" }`).
const requireJson = createRequire(import.meta.url);

function domainSet(file: string): ReadonlySet<string> {
  const list = requireJson(file) as unknown;
  if (!Array.isArray(list)) throw new Error(`${file} is not a JSON array`);
  const set = new Set<string>();
  for (const entry of list) {
    if (typeof entry !== "string") continue;
    if (/^[a-z0-9.-]+$/.test(entry)) set.add(entry);
    else {
      // A few entries are written in Unicode (instágram.com): compare in the punycode form.
      const ascii = domainToASCII(entry.trim());
      if (ascii) set.add(ascii);
    }
  }
  return set;
}

const FREE_MAIL: ReadonlySet<string> = domainSet("free-email-domains/domains.json");
const DISPOSABLE_MAIL: ReadonlySet<string> = new Set([
  ...domainSet("disposable-email-domains/index.json"),
  // Every subdomain of these is throwaway too; checkEmail looks up each parent of the host.
  ...domainSet("disposable-email-domains/wildcard.json"),
]);

/** A domain as people read it: punycode (xn--) labels decoded. */
export function displayDomain(domain: string): string {
  return domainToUnicode(domain) || domain;
}

/** The readable form, and the xn-- form after it when they differ, so a look-alike shows itself. */
function shown(domain: string): string {
  const unicode = displayDomain(domain);
  return unicode === domain ? domain : `${unicode} (${domain})`;
}

function refuse(field: LabelDomainField, code: LabelDomainCode, message: string): Refusal {
  return { ok: false, field, code, message };
}

const LDH_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Letters, digits and hyphens in each label; two labels at least; DNS lengths. Expects lower-case ASCII. */
function isHostname(host: string): boolean {
  if (host.length > 253) return false;
  const labels = host.split(".");
  return labels.length >= 2 && labels.every((label) => LDH_LABEL.test(label));
}

const SCRIPTS: ReadonlyArray<readonly [name: string, letters: RegExp]> = [
  ["Latin", /\p{Script=Latin}/u],
  ["Cyrillic", /\p{Script=Cyrillic}/u],
  ["Greek", /\p{Script=Greek}/u],
];
const CYRILLIC = /\p{Script=Cyrillic}/u;
// Cyrillic letters that pass for Latin ones (Chromium's IDN display policy uses the same idea):
// a label made only of these, under a non-Cyrillic ending, reads as a Latin name (аррӏе.com).
const CYRILLIC_LATIN_LOOKALIKES = /^[аеорсухіјѕԁһӏԛԝъьпгѵѡ\d-]+$/u;

/** Why the registrable label of a domain could be mistaken for another name, or undefined. */
function lookalikeProblem(domain: string, label: string, suffix: string): string | undefined {
  const unicodeLabel = displayDomain(label);
  if (unicodeLabel === label) return undefined;
  const scripts = SCRIPTS.filter(([, letters]) => letters.test(unicodeLabel));
  if (scripts.length > 1) {
    return `This domain mixes alphabets (${scripts.map(([name]) => name).join(" and ")}; shown as ${displayDomain(domain)}, written ${domain}): use the label's real domain`;
  }
  if (CYRILLIC_LATIN_LOOKALIKES.test(unicodeLabel) && !CYRILLIC.test(displayDomain(suffix))) {
    return `This domain is written in Cyrillic letters that look like Latin ones (shown as ${displayDomain(domain)}, written ${domain}): use the label's real domain`;
  }
  return undefined;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
// After "host:", a port (digits) and then the path, query or end: "label.com:8080/about".
const PORT_AND_REST = /^\d*(?:[/?#]|$)/;
const NOT_WEB_SCHEMES = new Set(["javascript", "vbscript", "data", "blob", "file", "mailto", "tel", "sms", "ftp", "ftps", "sftp", "ws", "wss", "about"]);

/** The URL to parse for what the person typed, or a refusal. A bare host gets https://. */
function websiteHref(raw: string): string | Refusal {
  if (raw.startsWith("//")) return `https:${raw}`;
  const match = SCHEME.exec(raw);
  if (!match) return `https://${raw}`;
  const scheme = match[1]!.toLowerCase();
  if (scheme === "http" || scheme === "https") return raw;
  const rest = raw.slice(match[0].length);
  const explicit = rest.startsWith("//");
  if (!explicit && !NOT_WEB_SCHEMES.has(scheme)) {
    // "label.com:8080" is a host and a port; "user:secret@label.com" a host with credentials.
    if (PORT_AND_REST.test(rest) || /^[^/?#]*@/.test(rest)) return `https://${raw}`;
  }
  return refuse("website", "scheme", `A "${scheme}:" address is not a website: enter the label's web address, like https://label.com`);
}

type Website = { domain: string; suffix: string; url: string };

function checkWebsite(website: string): Website | Refusal {
  const raw = website.trim();
  if (!raw) return refuse("website", "empty", "Enter the label's website, like label.com");
  if (/\s/u.test(raw)) return refuse("website", "spaces", "A web address has no spaces: enter it like label.com");
  const href = websiteHref(raw);
  if (typeof href !== "string") return href;

  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return refuse("website", "invalid", "Enter the label's website, like label.com or https://www.label.com");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return refuse("website", "scheme", "Enter the label's web address, starting with https:// or just the name, like label.com");
  }
  if (url.username || url.password) {
    return refuse("website", "credentials", "Remove the user name and password from the web address: enter it like label.com");
  }

  // WHATWG URL has already lower-cased the host, turned Unicode into punycode and read
  // 2130706433 or 0x7f.1 as 127.0.0.1.
  const host = url.hostname.replace(/\.$/, "");
  if (host.startsWith("[") || parse(host, TLDTS_OPTIONS).isIp) {
    return refuse("website", "ip", "Enter the website's name, not an IP address: like label.com");
  }
  if (host === "localhost" || host.endsWith(".localhost")) {
    return refuse("website", "localhost", "localhost means your own computer: enter the label's public website, like label.com");
  }
  if (!host.includes(".")) return refuse("website", "invalid", "Enter the full website address, with its ending: like label.com");
  if (!isHostname(host)) return refuse("website", "invalid", "This is not a website name we can check: enter it like label.com");

  const parsed = parse(host, TLDTS_OPTIONS);
  const suffix = parsed.publicSuffix ?? host.slice(host.lastIndexOf(".") + 1);
  if (!parsed.isIcann && !parsed.isPrivate) {
    return refuse("website", "unknown_suffix", `.${displayDomain(suffix)} is not a public internet ending: enter the label's public website, like label.com`);
  }
  if (!parsed.domain || !parsed.domainWithoutSuffix) {
    return refuse(
      "website",
      "public_suffix",
      `${shown(host)} is an ending shared by many sites, not one label's domain: enter the label's own address, like label.${displayDomain(host)}`,
    );
  }
  const domain = parsed.domain.toLowerCase();
  const lookalike = lookalikeProblem(domain, parsed.domainWithoutSuffix, suffix);
  if (lookalike) return refuse("website", "lookalike", lookalike);

  url.hostname = host;
  return { domain, suffix, url: url.href };
}

/** The local part the sign form's email check accepts (zod's z.email): letters, digits, _ ' + - and inner dots. */
const LOCAL_PART = /^(?!\.)(?!.*\.\.)[A-Za-z0-9_'+\-.]*[A-Za-z0-9_+-]$/;

function checkEmail(email: string, domain: string): string | Refusal {
  const example = `you@${displayDomain(domain)}`;
  const raw = email.trim();
  if (!raw) return refuse("email", "empty", `Enter your work email address, like ${example}`);
  if (/[\s,;<>]/u.test(raw)) return refuse("email", "invalid", `Enter one email address, like ${example}`);
  const at = raw.lastIndexOf("@");
  if (at <= 0 || at === raw.length - 1 || raw.indexOf("@") !== at) {
    return refuse("email", "invalid", `Enter a valid email address, like ${example}`);
  }
  const local = raw.slice(0, at);
  const rawHost = raw.slice(at + 1);
  if (local.length > 64 || raw.length > 254 || !LOCAL_PART.test(local)) {
    return refuse("email", "invalid", `Enter a valid email address, like ${example}`);
  }
  if (rawHost.startsWith("[")) return refuse("email", "ip", `Use an address at the label's domain, not at an IP address: like ${example}`);
  if (rawHost.endsWith(".")) return refuse("email", "invalid", `Remove the dot at the end of the email address: like ${example}`);

  const host = domainToASCII(rawHost);
  if (!host) return refuse("email", "invalid", `Enter a valid email address, like ${example}`);
  const parsed = parse(host, TLDTS_OPTIONS);
  if (parsed.isIp) return refuse("email", "ip", `Use an address at the label's domain, not at an IP address: like ${example}`);
  if (!isHostname(host)) return refuse("email", "invalid", `Enter a valid email address, like ${example}`);

  // The host and each parent down to its registrable domain: x.mailinator.com is mailinator.com's.
  const registrable = parsed.domain ?? host;
  const candidates = [host];
  for (let dot = host.indexOf("."); dot !== -1 && host.length - dot - 1 >= registrable.length; dot = host.indexOf(".", dot + 1)) {
    candidates.push(host.slice(dot + 1));
  }
  const disposable = candidates.find((candidate) => DISPOSABLE_MAIL.has(candidate));
  if (disposable) {
    return refuse(
      "email",
      "disposable",
      `${shown(disposable)} gives out throwaway addresses, which cannot show that you work for the label: use your address at ${shown(domain)}`,
    );
  }
  const free = candidates.find((candidate) => FREE_MAIL.has(candidate));
  if (free) {
    return refuse(
      "email",
      "free",
      `${shown(free)} is a free mailbox anyone can open, so it cannot show that you work for the label: use your address at ${shown(domain)}`,
    );
  }

  if (host !== domain && !host.endsWith(`.${domain}`)) {
    return refuse("email", "mismatch", `Your email is at ${shown(host)} but the website is at ${shown(domain)}: use an address at ${displayDomain(domain)}`);
  }
  return host;
}

/**
 * Checks a label's website and a work email together. On success, `domain` is the label's domain
 * (registrable, lower-case ASCII: show it with displayDomain), `websiteUrl` the normalised web
 * address and `emailDomain` the email's host (the domain or one of its subdomains).
 */
export function checkLabelDomain(website: string, email: string): LabelDomainCheck {
  const site = checkWebsite(website);
  if ("ok" in site) return site;
  const emailDomain = checkEmail(email, site.domain);
  if (typeof emailDomain !== "string") return emailDomain;
  return { ok: true, domain: site.domain, websiteUrl: site.url, emailDomain };
}
