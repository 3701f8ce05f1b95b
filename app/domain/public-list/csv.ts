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

/**
 * The cells of one line that csvRow wrote (without its CRLF), back as text: quotes undone, and a
 * formula character's defusing ' removed (names cannot start with one, decision 008). null for an
 * empty, unquoted cell.
 */
export function parseCsvLine(line: string): (string | null)[] {
  const cells: (string | null)[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i += 1;
      for (;;) {
        const end = line.indexOf('"', i);
        if (end < 0) throw new Error("unterminated quoted cell");
        value += line.slice(i, end);
        i = end + 1;
        if (line[i] !== '"') break;
        value += '"';
        i += 1;
      }
      cells.push(value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value);
    } else {
      const end = line.indexOf(",", i);
      const raw = end < 0 ? line.slice(i) : line.slice(i, end);
      cells.push(raw === "" ? null : raw);
      i = end < 0 ? line.length : end;
    }
    if (i >= line.length) return cells;
    i += 1; // the comma
  }
}
