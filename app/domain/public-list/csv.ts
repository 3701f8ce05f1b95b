import type { PublicSignature } from "./list.server";

// A cell a spreadsheet would run as a formula starts with one of these (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r\n|%]/;

/** One CSV cell: quoted, quotes doubled, and a leading formula character defused with a '. */
export function csvCell(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

export const CSV_COLUMNS = ["name", "kind", "role", "country", "label", "signed_on", "approved_at", "featured", "badges"] as const;

export const CSV_BOM = "\uFEFF";
export const CSV_HEADER = `${CSV_COLUMNS.join(",")}\r\n`;

/** The same fields as the JSON API, in CSV_COLUMNS order, ending with CRLF. */
export function csvRow(item: PublicSignature): string {
  return `${[item.name, item.kind, item.role, item.country, item.label, item.signedOn, item.approvedAt, item.featured, item.badges.join(" ")]
    .map(csvCell)
    .join(",")}\r\n`;
}
