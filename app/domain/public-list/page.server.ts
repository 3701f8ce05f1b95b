import type { Db } from "../../../db/client";
import { sha256 } from "../common/hash";
import { listLetterVersions, type LetterVersion } from "../letter/letter.server";
import { BadCursorError, listPublic, publicLabels, type PublicPage } from "./list.server";
import { listStateTag, readStats, type PublicStats } from "./rollup.server";
import { parseListQuery, type ListQuery } from "./schema";
import { listSnapshots } from "./snapshots.server";

export async function loadTotals(db: Db, letterId: number): Promise<PublicStats> {
  return readStats(db, letterId);
}

export interface ListPageData {
  query: ListQuery;
  errors: Partial<Record<keyof ListQuery | "page", string>>;
  page: PublicPage;
  totals: PublicStats;
  labels: { id: string; name: string }[];
}

// A key of errors.json (the page says it in the visitor's language).
const BROKEN_PAGE_LINK = "list.brokenPage";

/**
 * The /signatures page (and the JSON API): a bad filter gets its message and is ignored, a broken
 * page link starts again from the first page with a message; nothing here ever throws a 500 for input.
 */
export async function loadListPage(db: Db, letterId: number, params: URLSearchParams): Promise<ListPageData> {
  const parsed = parseListQuery(params);
  const errors: ListPageData["errors"] = parsed.ok ? {} : { ...parsed.errors };
  // A page link the query string already refused (too long, not base64url) was dropped with it.
  if (errors.after || errors.before) errors.page = BROKEN_PAGE_LINK;
  let query = parsed.query;
  let page: PublicPage;
  try {
    page = await listPublic(db, letterId, query);
  } catch (error) {
    if (!(error instanceof BadCursorError)) throw error;
    errors.page = BROKEN_PAGE_LINK;
    query = { ...query, after: undefined, before: undefined };
    page = await listPublic(db, letterId, query);
  }
  const [stats, labels] = await Promise.all([readStats(db, letterId), publicLabels(db, letterId)]);
  return { query, errors, page, totals: stats, labels };
}

/** The query string of a page of the list with the same filters. */
export function listHref(base: string, query: ListQuery, cursor: { after?: string; before?: string }): string {
  const params = new URLSearchParams();
  for (const key of ["q", "kind", "role", "country", "label", "sort", "limit"] as const) {
    const value = query[key];
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  if (cursor.after) params.set("after", cursor.after);
  if (cursor.before) params.set("before", cursor.before);
  const qs = params.toString();
  return qs ? `${base}?${qs}` : base;
}

export async function loadPressPage(db: Db, letter: Pick<LetterVersion, "letterId" | "slug">) {
  const { letterId } = letter;
  const [stats, versions, snapshots] = await Promise.all([readStats(db, letterId), listLetterVersions(db, letter.slug), listSnapshots(db, letterId)]);
  const counted = new Map(stats.byVersion.map((v) => [v.versionId, v.count]));
  return {
    totals: stats,
    versions: versions.map((v) => ({
      sha256: v.sha256,
      language: v.language,
      title: v.title,
      from: v.in_force_from.toISOString(),
      until: v.in_force_until?.toISOString() ?? null,
      signatures: counted.get(v.id) ?? 0,
    })),
    snapshots,
  };
}

/** Bumped when the CSV's columns or encoding change, so no cache keeps a copy in the old shape. */
const CSV_FORMAT = 1;

/**
 * The full CSV's ETag, known before its first row is read: the list's state tag (which moves as
 * soon as a change to the list commits, and again when a refresh folds it), the letter and the filters.
 */
export async function csvEtag(db: Db, letterId: number, query: ListQuery): Promise<string> {
  const tag = await listStateTag(db, letterId);
  const filters = sha256(listHref("", { ...query, after: undefined, before: undefined, limit: undefined }, {})).slice(0, 16);
  return `"csv-${CSV_FORMAT}-${letterId}-${tag}-${filters}"`;
}
