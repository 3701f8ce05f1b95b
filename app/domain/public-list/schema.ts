import { z } from "zod";
import "../common/messages";
import { COUNTRY_CODES } from "../signatures/countries";
import { ROLES, SIGNATURE_KINDS } from "../signatures/states";

export const SORTS = ["new", "az", "recent", "relevance"] as const;
export type Sort = (typeof SORTS)[number];

const blankAsUndefined = (value: unknown) => (value === "" || value === null ? undefined : value);
const cursor = z.preprocess(
  blankAsUndefined,
  z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,400}$/, "list.cursor")
    .optional(),
);

/**
 * The public list's query string, shared by the page, the JSON API and the CSV. Each field's
 * message is shown next to that field; a bad value never reaches the database.
 */
export const listQuerySchema = z
  .object({
    q: z.preprocess(blankAsUndefined, z.string().trim().max(100, "list.q").optional()),
    kind: z.preprocess(blankAsUndefined, z.enum(Object.values(SIGNATURE_KINDS), { error: "list.kind" }).optional()),
    role: z.preprocess(blankAsUndefined, z.enum(ROLES, { error: "list.role" }).optional()),
    country: z.preprocess(
      blankAsUndefined,
      z
        .string()
        .toUpperCase()
        .refine((code) => COUNTRY_CODES.has(code), "list.country")
        .optional(),
    ),
    label: z.preprocess(
      blankAsUndefined,
      z
        .string()
        .regex(/^[1-9][0-9]{0,17}$/, "list.label")
        .optional(),
    ),
    sort: z.preprocess(blankAsUndefined, z.enum(SORTS, { error: "list.sort" }).optional()),
    after: cursor,
    before: cursor,
    limit: z.preprocess(blankAsUndefined, z.coerce.number({ error: "list.limit" }).int("list.limit").min(1, "list.limit").max(200, "list.limitMax").optional()),
  })
  .refine((value) => !(value.after && value.before), { message: "list.afterBefore", path: ["before"] });
export type ListQuery = z.infer<typeof listQuerySchema>;

/** The query string's values, one per key (a repeated key keeps its first value). */
export function searchParamsObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in out)) out[key] = value;
  return out;
}

export type ListQueryResult = { ok: true; query: ListQuery } | { ok: false; errors: Partial<Record<keyof ListQuery, string>>; query: ListQuery };

/** Reads the list's query; on errors, the valid part of it and a message for each bad field. */
export function parseListQuery(params: URLSearchParams): ListQueryResult {
  const raw = searchParamsObject(params);
  const parsed = listQuerySchema.safeParse(raw);
  if (parsed.success) return { ok: true, query: parsed.data };
  const errors: Partial<Record<keyof ListQuery, string>> = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as keyof ListQuery;
    errors[key] ??= issue.message;
  }
  // Keep what was fine, so the page still shows a list next to the messages.
  const fallback = { ...raw };
  for (const key of Object.keys(errors)) delete fallback[key];
  const retry = listQuerySchema.safeParse(fallback);
  return { ok: false, errors, query: retry.success ? retry.data : {} };
}
