import type { Sort } from "./schema";

/**
 * List cursors: base64url of the JSON array `[sort, ...key values]`, each value as PostgreSQL
 * prints it. Anyone can edit one, so every value is checked here against what its SQL cast
 * accepts (a forged cursor is a 400, never a cast error and a 500) and against what the list can
 * print (a date that does not exist, a relevance out of its range, an id of another shape).
 */

export type KeyKind = "boolean" | "timestamptz" | "real" | "text" | "public_id";

const TIMESTAMPTZ = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;

function isTimestamptz(value: string): boolean {
  const m = TIMESTAMPTZ.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes = 0, offsetSeconds = 0] = m.slice(1).map((part) => Number(part ?? 0)) as number[];
  const leap = year! % 4 === 0 && (year! % 100 !== 0 || year! % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month! - 1];
  // Year 0 does not exist (1 BC is printed with "BC", which the list never does); PostgreSQL
  // takes UTC offsets up to 15:59:59.
  return (
    year! >= 1 &&
    days !== undefined &&
    day! >= 1 &&
    day! <= days &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetHours! <= 15 &&
    offsetMinutes <= 59 &&
    offsetSeconds <= 59
  );
}

const REAL = /^-?\d{1,20}(?:\.\d{1,20})?(?:e[+-]?\d{1,3})?$/;

/** A relevance is a sum of two similarities, so within [0, 2], and a real that PostgreSQL parses. */
function isRelevance(value: string): boolean {
  if (!REAL.test(value)) return false;
  const n = Number(value);
  // A value that is not 0 but rounds to 0 as a real (1e-999, 1e-50) underflows: PostgreSQL refuses it.
  const zero = /^-?0+(?:\.0+)?(?:e|$)/.test(value);
  return Number.isFinite(n) && n >= 0 && n <= 2 && (Math.fround(n) !== 0 || zero);
}

export const KEYS: Record<KeyKind, { sqlType: string; valid(value: string): boolean }> = {
  boolean: { sqlType: "boolean", valid: (v) => v === "true" || v === "false" },
  timestamptz: { sqlType: "timestamptz", valid: isTimestamptz },
  real: { sqlType: "real", valid: isRelevance },
  // PostgreSQL text cannot hold NUL; anything else is just compared. Search keys are short.
  text: { sqlType: "text", valid: (v) => v.length <= 200 && !v.includes(String.fromCharCode(0)) },
  // As the column's CHECK has it.
  public_id: { sqlType: "text", valid: (v) => /^[A-Za-z0-9_-]{16}$/.test(v) },
};

/** What each order's cursor holds, in order; the last is always the public id (the tie-breaker). */
export const CURSOR_KEYS: Record<Sort, KeyKind[]> = {
  new: ["boolean", "timestamptz", "public_id"],
  az: ["boolean", "text", "public_id"],
  recent: ["timestamptz", "public_id"],
  relevance: ["real", "public_id"],
};

export function encodeCursor(sort: Sort, values: string[]): string {
  return Buffer.from(JSON.stringify([sort, ...values]), "utf8").toString("base64url");
}

/** The cursor's key values, or undefined when it is not one of ours for this order. */
export function decodeCursor(sort: Sort, cursor: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed[0] !== sort) return undefined;
  const values: unknown[] = parsed.slice(1);
  const kinds = CURSOR_KEYS[sort];
  if (values.length !== kinds.length) return undefined;
  if (!values.every((v, i) => typeof v === "string" && KEYS[kinds[i]!].valid(v))) return undefined;
  return values as string[];
}
