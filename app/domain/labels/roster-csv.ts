import Papa from "papaparse";
import { z } from "zod";
import { emailSchema } from "../common/schema";
import { COUNTRIES } from "../signatures/countries";
import { normaliseEmail } from "../signatures/email";
import { publicFieldsShape } from "../signatures/schema";
import { ROLE_LABELS, ROLES, type Role } from "../signatures/states";
import { cleanText, nameKey, nameProblem, searchKey } from "../signatures/text";
import { englishError } from "../../utils/english";

/**
 * A label's roster, uploaded as a CSV file or pasted: read, then checked row by row with the sign
 * form's rules, so that every row without errors can be stored as the form would store it.
 * Pure: no database; the caller passes the rep's email and the name keys the label already listed.
 */

export const ROSTER_LIMITS = { maxBytes: 1_000_000, maxRows: 1000 } as const;

export const ROSTER_FIELDS = ["name", "role", "country", "link", "email"] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

export type RosterValues = { name: string; role: string; country: string; link: string | undefined; email: string | undefined };

export type RosterRow = {
  /** The line of the file (1 is the first, the header usually) where the row starts. */
  line: number;
  /** Cleaned and mapped (role and country as codes) when valid; as written otherwise. */
  values: RosterValues;
  /** One message per refused field; `row` for the line as a whole. Empty when the row is valid. */
  errors: Partial<Record<RosterField | "row", string>>;
};

export type RosterFileProblem = "too_large" | "too_many_rows" | "binary" | "not_utf8" | "empty" | "no_rows" | "header" | "quotes";

export type RosterParse = { ok: false; code: RosterFileProblem; message: string } | { ok: true; rows: RosterRow[]; valid: number; invalid: number };

export type RosterContext = {
  /** The signed-in rep's address: an artist row may not give it. */
  repEmail: string;
  /** Name keys (nameKey) of the artists this label has already listed. */
  existingNameKeys?: ReadonlySet<string>;
};

const artistEmail = emailSchema({ missing: "Enter the artist's email address", invalid: "Enter a valid email address, like name@example.org" });

/** What a valid row satisfies: the sign form's own field schemas. */
export const rosterRowSchema = z.object({
  name: publicFieldsShape.displayName,
  role: publicFieldsShape.role,
  country: publicFieldsShape.country,
  link: publicFieldsShape.link,
  email: artistEmail.optional(),
});

export const ROSTER_MESSAGES = {
  formula: "Names cannot start with =, +, - or @ (spreadsheet formulas)",
  invisible: "Remove the invisible characters or line breaks from the name (zero-width spaces, direction marks, control characters)",
  existing: "Already on the list from your label",
  ownEmail: "This is your own address: give the artist's",
} as const;

// --- Header ---------------------------------------------------------------------------------------

const COLUMN_ALIASES: Readonly<Record<string, RosterField>> = {
  name: "name",
  "artist name": "name",
  role: "role",
  country: "country",
  link: "link",
  email: "email",
  "e-mail": "email",
  "artist email": "email",
  "artist e-mail": "email",
};
const REQUIRED: readonly RosterField[] = ["name", "role", "country"];

const headerName = (cell: string) =>
  cell
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, " ");

// --- Role and country, by code or by name ---------------------------------------------------------

/** Case, accents, punctuation and "&"/"and" folded, so "Trinidad and Tobago" finds "Trinidad & Tobago". */
const fold = (text: string) => searchKey(text.replace(/&/g, " and ")).replace(/^the /, "");

const ROLE_BY_KEY: ReadonlyMap<string, Role> = new Map(ROLES.flatMap((role) => [[fold(role), role] as const, [fold(ROLE_LABELS[role]), role] as const]));
const ROLE_LIST = "musician, songwriter, producer, DJ, podcaster, engineer or other";

// Names people write that are not the list's own.
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  uk: "GB",
  "great britain": "GB",
  britain: "GB",
  england: "GB",
  scotland: "GB",
  wales: "GB",
  "northern ireland": "GB",
  usa: "US",
  "united states of america": "US",
  turkey: "TR",
  "czech republic": "CZ",
  "ivory coast": "CI",
  "hong kong": "HK",
  burma: "MM",
  "russian federation": "RU",
};
const COUNTRY_BY_KEY: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>();
  for (const [code, name] of COUNTRIES) {
    map.set(code.toLowerCase(), code);
    map.set(fold(name), code);
    // "Myanmar (Burma)" is also "Myanmar".
    const short = name.replace(/\s*\(.*\)\s*$/, "");
    if (short !== name) map.set(fold(short), code);
  }
  for (const [alias, code] of Object.entries(COUNTRY_ALIASES)) if (!map.has(fold(alias))) map.set(fold(alias), code);
  return map;
})();

const quote = (text: string) => `"${[...text].length > 40 ? `${[...text].slice(0, 40).join("")}…` : text}"`;

// --- Reading the file -----------------------------------------------------------------------------

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** "2.4 MB", "950 KB"; a size just over the limit is given in bytes, so that it does not read as the limit. */
function formatSize(bytes: number, limit = 0): string {
  if (bytes >= 1_000_000) {
    const shown = (bytes / 1_000_000).toFixed(1).replace(/\.0$/, "");
    return bytes > limit && Number(shown) * 1_000_000 <= limit ? `${bytes.toLocaleString("en")} bytes` : `${shown} MB`;
  }
  if (bytes >= 1000) return `${Math.round(bytes / 1000)} KB`;
  return `${bytes} bytes`;
}

const NOT_UTF8 =
  'This file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8" (Excel) or download it as CSV (Google Sheets, Numbers), then upload that file';
const BINARY = "This is not a CSV file (it looks like an image, a PDF or a spreadsheet's own format): save the roster as CSV and upload that file";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function decode(input: string | Uint8Array): string | Extract<RosterParse, { ok: false }> {
  const size = typeof input === "string" ? utf8Length(input) : input.byteLength;
  if (size > ROSTER_LIMITS.maxBytes) {
    return {
      ok: false,
      code: "too_large",
      message: `This file is ${formatSize(size, ROSTER_LIMITS.maxBytes)}: the limit is ${formatSize(ROSTER_LIMITS.maxBytes)}. Split the roster into smaller files`,
    };
  }
  let text: string;
  if (typeof input === "string") {
    text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  } else {
    // Excel's "Unicode text" is UTF-16: its BOM, then a NUL after every Latin letter.
    if ((input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff)) return { ok: false, code: "not_utf8", message: NOT_UTF8 };
    if (input.includes(0)) return { ok: false, code: "binary", message: BINARY };
    try {
      // Removes a BOM itself.
      text = new TextDecoder("utf-8", { fatal: true }).decode(input);
    } catch {
      return { ok: false, code: "not_utf8", message: NOT_UTF8 };
    }
  }
  if (text.includes("\0")) return { ok: false, code: "binary", message: BINARY };
  // Text that was decoded with replacement characters (a Latin-1 file read as UTF-8) or holds lone surrogates.
  if (text.includes("\uFFFD") || LONE_SURROGATE.test(text)) return { ok: false, code: "not_utf8", message: NOT_UTF8 };
  return text;
}

/** The delimiter of the header line: the more frequent of , and ; outside quotes (a tie is ,). */
function headerDelimiter(line: string): "," | ";" {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ",") commas++;
    else if (!quoted && char === ";") semicolons++;
  }
  return semicolons > commas ? ";" : ",";
}

const isBlank = (cells: readonly string[]) => cells.every((cell) => cell.trim() === "");

type RawRow = { line: number; cells: string[]; badQuotes: boolean };

// --- Checking a row -------------------------------------------------------------------------------

const FORMULA_START = /^[=+\-@\t\r]/;

function firstMessage(result: { success: boolean; error?: { issues: ReadonlyArray<{ message: string }> } }): string | undefined {
  // The schemas' messages are keys of errors.json; the label's dashboard is English.
  return result.success ? undefined : englishError(result.error?.issues[0]?.message ?? "Check this value");
}

function checkName(raw: string): { value: string; error?: string } {
  const value = cleanText(raw);
  if (value && FORMULA_START.test(value)) return { value, error: ROSTER_MESSAGES.formula };
  const error = firstMessage(publicFieldsShape.displayName.safeParse(raw));
  if (!error) return { value };
  return { value, error: nameProblem(value) === "invisible" ? ROSTER_MESSAGES.invisible : error };
}

function checkRole(raw: string): { value: string; error?: string } {
  const value = raw.trim();
  if (!value) return { value, error: `Enter the artist's role: ${ROLE_LIST}` };
  const role = ROLE_BY_KEY.get(fold(value));
  if (!role || !publicFieldsShape.role.safeParse(role).success) return { value, error: `${quote(value)} is not one of the roles: use ${ROLE_LIST}` };
  return { value: role };
}

function checkCountry(raw: string): { value: string; error?: string } {
  const value = raw.trim();
  if (!value) return { value, error: "Enter the artist's country, by its English name (France) or its two-letter code (FR)" };
  const code = COUNTRY_BY_KEY.get(fold(value));
  if (!code || !publicFieldsShape.country.safeParse(code).success) {
    return { value, error: `We do not know the country ${quote(value)}: use its English name (France) or its two-letter code (FR)` };
  }
  return { value: code };
}

// A web address written without https:// ("www.band.com", "band.bandcamp.com/album/x").
const BARE_HOST = /^(?:[\p{L}\p{N}-]+\.)+[\p{L}]{2,}(?::\d+)?(?:[/?#]|$)/u;

function checkLink(raw: string): { value: string | undefined; error?: string } {
  const trimmed = raw.trim();
  if (!trimmed) return { value: undefined };
  const value = BARE_HOST.test(trimmed) ? `https://${trimmed}` : trimmed;
  const error = firstMessage(publicFieldsShape.link.safeParse(value));
  return error ? { value: trimmed, error } : { value };
}

function checkEmail(raw: string): { value: string | undefined; error?: string } {
  const value = raw.trim();
  if (!value) return { value: undefined };
  const error = firstMessage(artistEmail.safeParse(value));
  return error ? { value, error } : { value };
}

// --- The whole roster -----------------------------------------------------------------------------

/**
 * Reads a roster. A whole-file problem (too large, too many rows, not text, no header) refuses
 * the file; otherwise every data row comes back with its values and its errors, in file order.
 */
export function parseRoster(input: string | Uint8Array, ctx: RosterContext): RosterParse {
  const decoded = decode(input);
  if (typeof decoded !== "string") return decoded;
  // One kind of line break, so that lines count the same way and cells hold \n only.
  let text = decoded.replace(/\r\n?/g, "\n");
  if (text.trim() === "") return { ok: false, code: "empty", message: "The file is empty: put a header line (name, role, country) and one line per artist" };

  // Excel's "sep=;" first line names the delimiter; its line break stays, so line numbers do too.
  let delimiter: "," | ";" | undefined;
  const sep = /^sep=([,;])[ \t]*(?=\n|$)/i.exec(text);
  if (sep) {
    delimiter = sep[1] as "," | ";";
    text = text.slice(sep[0].length);
  }
  const firstLine = /^[ \t]*\S.*$/m.exec(text)?.[0] ?? "";
  delimiter ??= headerDelimiter(firstLine);

  const rows: RawRow[] = [];
  let quoteProblem: { line: number } | undefined;
  // The offset where the next row starts, and its line number.
  let start = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    delimiter,
    newline: "\n",
    quoteChar: '"',
    escapeChar: '"',
    step(result, parser) {
      const rowLine = line;
      const end = result.meta.cursor;
      for (let i = text.indexOf("\n", start); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) line++;
      start = end;
      if (result.errors.some((e) => e.code === "MissingQuotes")) {
        quoteProblem = { line: rowLine };
        parser.abort();
        return;
      }
      const cells = result.data;
      if (isBlank(cells)) return;
      rows.push({ line: rowLine, cells, badQuotes: result.errors.some((e) => e.type === "Quotes") });
    },
  });
  if (quoteProblem) {
    return {
      ok: false,
      code: "quotes",
      message: `Line ${quoteProblem.line} opens a double quote (") that is never closed: close it, or remove it`,
    };
  }

  const header = rows.shift();
  if (!header) return { ok: false, code: "empty", message: "The file is empty: put a header line (name, role, country) and one line per artist" };
  const columns = new Map<RosterField, number>();
  for (const [index, cell] of header.cells.entries()) {
    const field = COLUMN_ALIASES[headerName(cell)];
    if (!field) continue;
    if (columns.has(field)) return { ok: false, code: "header", message: `The header line has two ${field} columns: keep one` };
    columns.set(field, index);
  }
  const missing = REQUIRED.filter((field) => !columns.has(field));
  if (missing.length > 0) {
    const tabs = firstLine.includes("\t") && !firstLine.includes(",") && !firstLine.includes(";");
    return {
      ok: false,
      code: "header",
      message:
        `The first line must name the columns name, role and country (link and email are optional); ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing` +
        (tabs ? ". Separate the columns with commas or semicolons: save the spreadsheet as CSV" : ""),
    };
  }
  if (rows.length === 0) return { ok: false, code: "no_rows", message: "The file has a header line but no artists under it" };
  if (rows.length > ROSTER_LIMITS.maxRows) {
    return {
      ok: false,
      code: "too_many_rows",
      message: `This file lists ${rows.length.toLocaleString("en")} artists: the limit is ${ROSTER_LIMITS.maxRows.toLocaleString("en")} per file. Split it into smaller files`,
    };
  }

  const repEmail = ctx.repEmail.trim() ? normaliseEmail(ctx.repEmail.trim()) : undefined;
  const existing = ctx.existingNameKeys;
  const nameLines = new Map<string, number>();
  const emailLines = new Map<string, number>();
  const width = header.cells.length;
  const cell = (row: RawRow, field: RosterField) => {
    const index = columns.get(field);
    return index === undefined ? "" : (row.cells[index] ?? "");
  };

  let valid = 0;
  const checked = rows.map((row): RosterRow => {
    const errors: RosterRow["errors"] = {};
    const name = checkName(cell(row, "name"));
    const role = checkRole(cell(row, "role"));
    const country = checkCountry(cell(row, "country"));
    const link = checkLink(cell(row, "link"));
    const email = checkEmail(cell(row, "email"));
    if (name.error) errors.name = name.error;
    if (role.error) errors.role = role.error;
    if (country.error) errors.country = country.error;
    if (link.error) errors.link = link.error;
    if (email.error) errors.email = email.error;

    if (!name.error) {
      const key = nameKey(name.value);
      if (key && existing?.has(key)) errors.name = ROSTER_MESSAGES.existing;
      else if (key) {
        const first = nameLines.get(key);
        if (first !== undefined) errors.name = `Same name as line ${first}`;
        else nameLines.set(key, row.line);
      }
    }
    if (!email.error && email.value) {
      const key = normaliseEmail(email.value);
      if (key === repEmail) errors.email = ROSTER_MESSAGES.ownEmail;
      else {
        const first = emailLines.get(key);
        if (first !== undefined) errors.email = `Same email as line ${first}: give each artist's own address`;
        else emailLines.set(key, row.line);
      }
    }

    if (row.badQuotes) {
      errors.row = 'A double quote (") on this line is out of place: put the whole value in double quotes, and write a quote inside it as ""';
    } else if (row.cells.length > width && !isBlank(row.cells.slice(width))) {
      errors.row = `This line has ${row.cells.length} values but the header has ${width}: put a value that contains "${delimiter}" in double quotes`;
    }

    if (Object.keys(errors).length === 0) valid++;
    return {
      line: row.line,
      values: { name: name.value, role: role.value, country: country.value, link: link.value, email: email.value },
      errors,
    };
  });
  return { ok: true, rows: checked, valid, invalid: checked.length - valid };
}
