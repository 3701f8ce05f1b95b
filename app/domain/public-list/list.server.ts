import { sql, type RawBuilder } from "kysely";
import type { Db } from "../../../db/client";
import { SIGNATURE_STATES } from "../signatures/states";
import { searchKey } from "../signatures/text";
import { badgesFor, type BadgeId } from "./badges";
import { CURSOR_KEYS, KEYS, decodeCursor, encodeCursor } from "./cursor";
import type { ListQuery, Sort } from "./schema";

/** A name as the public sees it: the only shape in which a signature leaves through public pages. */
export interface PublicSignature {
  /** The signature's random public id (never the internal, counting one). */
  id: string;
  name: string;
  kind: "artist" | "label" | "roster";
  role: string;
  country: string;
  label: string | null;
  /** Day the signature was made (UTC), YYYY-MM-DD. */
  signedOn: string;
  approvedAt: string;
  featured: boolean;
  badges: BadgeId[];
}

export interface PublicPage {
  items: PublicSignature[];
  sort: Sort;
  /** Cursor for the next page (`after`), or null on the last page. */
  next: string | null;
  /** Cursor for the previous page (`before`), or null on the first page. */
  previous: string | null;
}

// Typo tolerance: a word in the name shares at least this share of trigrams with the query.
const WORD_SIMILARITY = "0.5";

/** A word in the name like the query, and then the whole name like it: "Radiohead" before "Radiohead Tribute". */
const relevance = (q: string) => sql`(word_similarity(${q}, s.search_key) + similarity(${q}, s.search_key))`;

interface Order {
  dir: "asc" | "desc";
  /**
   * The featured names' group, when the order puts them first: a boolean key with two values, so
   * a page is at most two index range scans (the rest of the cursor's group, then the next group),
   * each with an equality on the group and one row comparison on the keys after it. (One row
   * comparison starting with the boolean is estimated at one row by the planner, which then joins
   * and sorts every remaining row; decision 013.)
   */
  group?: {
    /** The first key as the cursor holds it (`is_featured` newest first, `not is_featured` A–Z). */
    key: RawBuilder<boolean>;
    /** How the cursor writes that key for a featured name. */
    featured: "true" | "false";
  };
  /** The keyset after the group: all in one direction, so one row comparison continues the order. */
  keys: (q: string) => RawBuilder<unknown>[];
}

// Ties are broken by the public id: a cursor carries it, and so never the internal, counting id.
const ORDERS: Record<Sort, Order> = {
  // Featured names first, then the newest on the list.
  new: { dir: "desc", group: { key: sql`s.is_featured`, featured: "true" }, keys: () => [sql`s.approved_at`, sql`s.public_id`] },
  az: { dir: "asc", group: { key: sql`(not s.is_featured)`, featured: "false" }, keys: () => [sql`s.search_key`, sql`s.public_id`] },
  // Newest approvals, featured or not (the feed).
  recent: { dir: "desc", keys: () => [sql`s.approved_at`, sql`s.public_id`] },
  relevance: { dir: "desc", keys: (q) => [relevance(q), sql`s.public_id`] },
};
// The same keys as text, exactly as PostgreSQL prints them, so a cursor round-trips without loss
// (a JavaScript Date would drop microseconds and repeat rows). They are read from the page's
// rows (p), after the range scans.
const KEY_TEXT: Record<Sort, RawBuilder<string>[]> = {
  new: [sql`p.k0::text`, sql`p.k1::text`, sql`p.k2`],
  az: [sql`p.k0::text`, sql`p.k1`, sql`p.k2`],
  recent: [sql`p.k0::text`, sql`p.k1`],
  relevance: [sql`p.k0::text`, sql`p.k1`],
};
/** A cursor this order cannot use (forged, broken, or from another order), in `after` or `before`. */
export class BadCursorError extends Error {
  constructor(readonly field: "after" | "before") {
    super("This page link is broken or belongs to another order");
  }
}

/** The order a query asks for: relevance by default when searching, else newest first. */
export function sortOf(query: ListQuery): Sort {
  const q = query.q ? searchKey(query.q) : "";
  if (query.sort === "relevance" && !q) return "new";
  return query.sort ?? (q ? "relevance" : "new");
}

/**
 * What every public output that shows names reads: approved, and not signed without being named
 * (decision 016; those are counted in the figures only). On the alias `s`. The state is a literal, so the planner
 * can use the partial indexes built for approved rows.
 */
export const SHOWN_BY_NAME = sql<boolean>`s.state = ${sql.lit(SIGNATURE_STATES.approved)} and s.named`;

/**
 * One page of approved signatures, by keyset (never OFFSET): `after` continues forwards from a
 * cursor, `before` goes back. Throws BadCursorError for a cursor this order cannot use.
 */
export async function listPublic(db: Db, letterId: number, query: ListQuery, limit = query.limit ?? 50): Promise<PublicPage> {
  return (await listWithSignatureIds(db, letterId, query, limit)).page;
}

/** listPublic, and beside its items (never in them) their internal ids, for the snapshots' redaction. */
async function listWithSignatureIds(db: Db, letterId: number, query: ListQuery, limit: number): Promise<{ page: PublicPage; signatureIds: string[] }> {
  const sort = sortOf(query);
  const q = query.q ? searchKey(query.q) : "";
  const order = ORDERS[sort];
  const cursorText = query.before ?? query.after;
  const cursor = cursorText === undefined ? undefined : decodeCursor(sort, cursorText);
  if (cursorText !== undefined && !cursor) throw new BadCursorError(query.before !== undefined ? "before" : "after");
  const backwards = query.before !== undefined;
  const dir = backwards ? (order.dir === "asc" ? "desc" : "asc") : order.dir;

  const run = async (trx: Db) => {
    // One range scan over the approved rows' index: filters, then optionally a group and a row
    // comparison, in index order, stopping after the page. Labels are joined to the page only.
    const scan = (part: number, featured: boolean | undefined, after: RawBuilder<unknown>[] | undefined) => {
      let select = trx
        .selectFrom("signatures as s")
        .select([
          sql<number>`${sql.lit(part)}`.as("part"),
          "s.id",
          "s.public_id",
          "s.display_name",
          "s.kind",
          "s.role",
          "s.country",
          "s.is_featured",
          "s.identity_check",
          "s.confirmed_at",
          "s.created_at",
          "s.approved_at",
          "s.label_id",
        ])
        .where("s.letter_id", "=", letterId)
        .where(SHOWN_BY_NAME);
      const keys = order.keys(q);
      const all = order.group ? [order.group.key, ...keys] : keys;
      select = select.select(all.map((key, i) => sql`${key}`.as(`k${i}`)));
      if (query.kind) select = select.where("s.kind", "=", query.kind);
      if (query.role) select = select.where("s.role", "=", query.role);
      if (query.country) select = select.where("s.country", "=", query.country);
      if (query.label) select = select.where("s.label_id", "=", query.label);
      if (q) select = select.where(sql<boolean>`(s.search_key like ${"%" + q + "%"} or ${q} <% s.search_key)`);
      // On the column itself (the planner folds `(not x) = false` to `x`, which an index on the
      // expression no longer matches).
      if (featured !== undefined) select = select.where("s.is_featured", "=", sql.lit(featured));
      if (after) select = select.where(sql<boolean>`(${sql.join(keys)}) ${dir === "asc" ? sql`>` : sql`<`} (${sql.join(after)})`);
      for (const key of keys) select = select.orderBy(sql`${key} ${sql.raw(dir)}`);
      return select.limit(limit + 1);
    };

    const cast = (value: string, i: number) => sql`${value}::${sql.raw(KEYS[CURSOR_KEYS[sort][i]!].sqlType)}`;
    const scans: ReturnType<typeof scan>[] = [];
    if (order.group) {
      // Featured names first, then the rest; reading backwards, the other way round.
      const groups = backwards ? [false, true] : [true, false];
      const from = cursor ? groups.indexOf(cursor[0] === order.group.featured) : 0;
      for (let i = from; i < groups.length; i++) {
        const after = cursor && i === from ? cursor.slice(1).map((v, j) => cast(v, j + 1)) : undefined;
        scans.push(scan(scans.length, groups[i]!, after));
      }
    } else {
      scans.push(scan(0, undefined, cursor?.map(cast)));
    }
    const keyCount = (order.group ? 1 : 0) + order.keys(q).length;
    const pageOrder = sql.join(
      [sql`p.part`, ...Array.from({ length: keyCount - (order.group ? 1 : 0) }, (_, i) => sql`${sql.ref(`p.k${i + (order.group ? 1 : 0)}`)} ${sql.raw(dir)}`)],
      sql`, `,
    );
    const union = sql.join(
      scans.map((s) => sql`(${s})`),
      sql` union all `,
    );
    const result = await sql<{
      public_id: string;
      signature_id: string;
      display_name: string;
      kind: string;
      role: string;
      country: string;
      is_featured: boolean;
      identity_check: string | null;
      confirmed_at: Date | null;
      signed_on: string;
      approved_at: string;
      label_name: string | null;
      domain_verified_at: Date | null;
      dns_verified_at: Date | null;
      cursor_keys: string[];
    }>`
      select p.public_id, p.id::text as signature_id, p.display_name, p.kind, p.role, p.country, p.is_featured,
             p.identity_check, p.confirmed_at,
             to_char(p.created_at at time zone 'UTC', 'YYYY-MM-DD') as signed_on,
             to_char(p.approved_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as approved_at,
             l.name as label_name, l.domain_verified_at, l.dns_verified_at,
             array[${sql.join(KEY_TEXT[sort])}] as cursor_keys
      from (${union}) as p
      left join labels as l on l.id = p.label_id
      order by ${pageOrder}
      limit ${limit + 1}`.execute(trx);
    return result.rows;
  };

  // The similarity threshold is set for this transaction only; pooled connections stay as they were.
  const rows = q
    ? await db.transaction().execute(async (trx) => {
        await sql`select set_config('pg_trgm.word_similarity_threshold', ${WORD_SIMILARITY}, true)`.execute(trx);
        return run(trx);
      })
    : await run(db);

  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const items = page.map((row): PublicSignature => ({
    id: row.public_id,
    name: row.display_name,
    kind: row.kind as PublicSignature["kind"],
    role: row.role,
    country: row.country,
    label: row.label_name,
    signedOn: row.signed_on,
    approvedAt: row.approved_at,
    featured: row.is_featured,
    badges: badgesFor({
      kind: row.kind,
      confirmed: row.confirmed_at !== null,
      labelName: row.label_name,
      labelDomainVerified: row.domain_verified_at !== null,
      labelDnsVerified: row.dns_verified_at !== null,
      identityChecked: row.identity_check !== null,
    }),
  }));
  return {
    page: {
      items,
      sort,
      next: last && (backwards || more) ? encodeCursor(sort, last.cursor_keys) : null,
      previous: first && (backwards ? more : cursor !== undefined) ? encodeCursor(sort, first.cursor_keys) : null,
    },
    signatureIds: page.map((row) => row.signature_id),
  };
}

/** Every approved signature matching the query, page after page (constant memory at any size). */
export async function* eachPublic(db: Db, letterId: number, query: ListQuery, batch = 1000): AsyncGenerator<PublicSignature> {
  for await (const { item } of eachPublicWithSignatureId(db, letterId, query, batch)) yield item;
}

/**
 * eachPublic, each item with its internal signature id beside it: for the snapshots, which must
 * find a name's rows again when it is withdrawn. The id never goes into a public output.
 */
export async function* eachPublicWithSignatureId(
  db: Db,
  letterId: number,
  query: ListQuery,
  batch = 1000,
): AsyncGenerator<{ item: PublicSignature; signatureId: string }> {
  let after: string | undefined;
  for (;;) {
    const { page, signatureIds } = await listWithSignatureIds(db, letterId, { ...query, before: undefined, after }, batch);
    for (const [i, item] of page.items.entries()) yield { item, signatureId: signatureIds[i]! };
    if (!page.next) return;
    after = page.next;
    // Let other requests in between batches: on PGlite (one connection, queries on this thread) a
    // long export would otherwise take the connection back before any waiting request was read.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Labels that have a name on the list, for the list's filter. */
export async function publicLabels(db: Db, letterId: number) {
  return db
    .selectFrom("labels as l")
    .select([sql<string>`l.id::text`.as("id"), "l.name"])
    .where((eb) =>
      eb.exists(eb.selectFrom("signatures as s").select("s.id").whereRef("s.label_id", "=", "l.id").where("s.letter_id", "=", letterId).where(SHOWN_BY_NAME)),
    )
    .orderBy("l.name")
    .execute();
}
