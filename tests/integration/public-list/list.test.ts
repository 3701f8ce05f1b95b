import { sql } from "kysely";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listPublic, eachPublic, type PublicSignature } from "../../../app/domain/public-list/list.server";
import { listChangeSeq, readStats, reconcileRollup, refreshRollup } from "../../../app/domain/public-list/rollup.server";
import type { ListQuery } from "../../../app/domain/public-list/schema";
import { SIGNATURE_STATES } from "../../../app/domain/signatures/states";
import { setupTestDatabase } from "../../support/db";
import { addLabel, seedApprovedBulk, seedSignatures } from "../../support/public-list";
import { registerCurrentLetter } from "../../support/signatures";

const t = setupTestDatabase();
let letter: { letterId: number; versionId: number };

beforeAll(async () => {
  letter = await registerCurrentLetter(t.db);
});

beforeEach(async () => {
  await sql`delete from signatures`.execute(t.db);
  await refreshRollup(t.db, letter.letterId);
});

/** A small deterministic generator, so a failing mix can be replayed from its seed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const STATES = Object.values(SIGNATURE_STATES);

async function all(query: ListQuery, limit = 7): Promise<PublicSignature[]> {
  const items: PublicSignature[] = [];
  let after: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = await listPublic(t.db, letter.letterId, { ...query, after }, limit);
    items.push(...page.items);
    if (!page.next) return items;
    after = page.next;
  }
  throw new Error("paging did not end");
}

describe("only approved signatures are public (property over random state mixes)", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: every order, search and export shows exactly the approved rows, and the counts agree`, async () => {
      const next = random(seed);
      const label = await addLabel(t.db, `Label ${seed}`, `label${seed}-${Date.now()}.test`);
      const rows = Array.from({ length: 40 }, (_, i) => {
        const state = STATES[Math.floor(next() * STATES.length)]!;
        const kind = (["artist", "label", "roster"] as const)[Math.floor(next() * 3)]!;
        // One signature per label (signatures_label_sign_key): label-kind rows here are labels without a label row.
        const labelId = next() < 0.5 && kind !== "label" ? label : null;
        return { name: `Mixed Name ${seed} ${i}`, state, kind, labelId, featured: next() < 0.2, approvedSecondsAgo: Math.floor(next() * 86400 * 5) };
      });
      const seeded = await seedSignatures(t.db, letter, rows);
      // Then some moves between states, as moderators and signers make them.
      for (const row of seeded) {
        if (next() < 0.3) {
          const state = STATES[Math.floor(next() * STATES.length)]!;
          await t.db
            .updateTable("signatures")
            .set({ state, approved_at: state === "approved" ? sql<Date>`now()` : null })
            .where("id", "=", row.id)
            .execute();
          row.state = state;
        }
      }
      const approved = seeded
        .filter((r) => r.state === "approved")
        .map((r) => r.publicId)
        .sort();

      for (const sort of ["new", "az"] as const) {
        const listed = await all({ sort });
        expect(listed.map((i) => i.id).sort(), sort).toEqual(approved);
      }
      const searched = await all({ q: `mixed name ${seed}` });
      expect(searched.map((i) => i.id).sort()).toEqual(approved);
      const exported: string[] = [];
      for await (const item of eachPublic(t.db, letter.letterId, {}, 5)) exported.push(item.id);
      expect(exported.sort()).toEqual(approved);

      await refreshRollup(t.db, letter.letterId);
      const stats = await readStats(t.db, letter.letterId);
      expect(stats.total).toBe(approved.length);
      const byKind = { artist: 0, label: 0, roster: 0 };
      for (const item of await all({})) byKind[item.kind] += 1;
      expect(stats.byKind).toEqual(byKind);
      expect(stats.perDay.at(-1)?.cumulative ?? 0).toBe(approved.length);
      expect((await reconcileRollup(t.db, letter.letterId)).drift).toBe(0);
    });
  }
});

describe("keyset pages", () => {
  it("cover the list exactly once, forwards and backwards, in both orders", async () => {
    await seedSignatures(
      t.db,
      letter,
      Array.from({ length: 23 }, (_, i) => ({ name: `Page Name ${String.fromCharCode(65 + (i % 26))}${i}`, featured: i % 7 === 0, approvedSecondsAgo: i % 3 })),
    );
    for (const sort of ["new", "az"] as const) {
      const forwards = await all({ sort }, 5);
      expect(new Set(forwards.map((i) => i.id)).size).toBe(23);
      // Featured names come first.
      const firstPlain = forwards.findIndex((i) => !i.featured);
      expect(forwards.slice(firstPlain).every((i) => !i.featured)).toBe(true);
      // Walk back from the last page with `before` and get the same sequence.
      let page = await listPublic(t.db, letter.letterId, { sort }, 5);
      const pages = [page];
      while (page.next) pages.push((page = await listPublic(t.db, letter.letterId, { sort, after: page.next }, 5)));
      const back: PublicSignature[] = [...page.items];
      while (page.previous) {
        page = await listPublic(t.db, letter.letterId, { sort, before: page.previous }, 5);
        back.unshift(...page.items);
      }
      expect(back.map((i) => i.id)).toEqual(forwards.map((i) => i.id));
    }
  });

  it("follow the same order with every filter, forwards and backwards, across the featured names (two range scans a page)", async () => {
    const label = await addLabel(t.db, "Range Label", `range-${Date.now()}.test`);
    const rows = Array.from({ length: 36 }, (_, i) => ({
      name: `Range ${String.fromCharCode(65 + ((i * 7) % 26))} ${i}`,
      kind: (["artist", "label", "roster"] as const)[i % 3]!,
      // Roster entries only: one signature per label (signatures_label_sign_key).
      labelId: i % 3 === 2 && i % 2 === 0 ? label : null,
      country: i % 4 === 0 ? "FR" : "GB",
      featured: i % 5 === 0,
      approvedSecondsAgo: (i * 37) % 11,
    }));
    await seedSignatures(t.db, letter, rows);
    const filters: ListQuery[] = [{}, { kind: "roster" }, { country: "FR" }, { label }, { kind: "label", country: "GB" }];
    for (const filter of filters) {
      for (const sort of ["new", "az"] as const) {
        const query = { ...filter, sort };
        const whole = (await listPublic(t.db, letter.letterId, query, 200)).items;
        const forwards = await all(query, 3);
        expect(
          forwards.map((i) => i.id),
          JSON.stringify(query),
        ).toEqual(whole.map((i) => i.id));
        expect(forwards.length, JSON.stringify(query)).toBeGreaterThan(0);
        // Featured first, then the rest.
        const firstPlain = forwards.findIndex((i) => !i.featured);
        if (firstPlain >= 0)
          expect(
            forwards.slice(firstPlain).every((i) => !i.featured),
            JSON.stringify(query),
          ).toBe(true);
        let page = await listPublic(t.db, letter.letterId, query, 3);
        while (page.next) page = await listPublic(t.db, letter.letterId, { ...query, after: page.next }, 3);
        const back = [...page.items];
        while (page.previous) {
          page = await listPublic(t.db, letter.letterId, { ...query, before: page.previous }, 3);
          back.unshift(...page.items);
        }
        expect(
          back.map((i) => i.id),
          JSON.stringify(query),
        ).toEqual(whole.map((i) => i.id));
      }
    }
  });

  it("break ties by the public id in every order, forwards and backwards", async () => {
    // Many names with the same approval time and the same search key: only the tie-breaker orders them.
    await seedSignatures(
      t.db,
      letter,
      Array.from({ length: 30 }, (_, i) => ({ name: `Twin Name ${i % 3}`, featured: i % 10 === 0, approvedSecondsAgo: i % 2 })),
    );
    for (const query of [{ sort: "new" }, { sort: "az" }, { sort: "recent" }, { q: "twin name" }] as const) {
      let page = await listPublic(t.db, letter.letterId, query, 4);
      const forwards = [...page.items];
      while (page.next) {
        page = await listPublic(t.db, letter.letterId, { ...query, after: page.next }, 4);
        forwards.push(...page.items);
      }
      expect(new Set(forwards.map((i) => i.id)).size, JSON.stringify(query)).toBe(30);
      const back = [...page.items];
      while (page.previous) {
        page = await listPublic(t.db, letter.letterId, { ...query, before: page.previous }, 4);
        back.unshift(...page.items);
      }
      expect(
        back.map((i) => i.id),
        JSON.stringify(query),
      ).toEqual(forwards.map((i) => i.id));
    }
  });

  it("never repeat or skip a name that was there from the start while names are approved concurrently", async () => {
    const initial = await seedSignatures(
      t.db,
      letter,
      Array.from({ length: 60 }, (_, i) => ({ name: `Steady ${i}`, approvedSecondsAgo: i })),
    );
    for (const sort of ["new", "az"] as const) {
      const seen: string[] = [];
      let after: string | undefined;
      let round = 0;
      for (;;) {
        const [page] = await Promise.all([
          listPublic(t.db, letter.letterId, { sort, after }, 8),
          seedSignatures(t.db, letter, [
            { name: `Arriving ${sort} ${round}`, approvedSecondsAgo: 0 },
            { name: `Steady ${round}b`, approvedSecondsAgo: 0 },
          ]),
        ]);
        seen.push(...page.items.map((i) => i.id));
        round += 1;
        if (!page.next) break;
        after = page.next;
      }
      expect(new Set(seen).size, `${sort}: no repeats`).toBe(seen.length);
      for (const row of initial) expect(seen, `${sort}: ${row.name}`).toContain(row.publicId);
    }
  });

  it("refuses a cursor made for another order, or made up", async () => {
    await seedSignatures(t.db, letter, [{ name: "One" }, { name: "Two" }]);
    const page = await listPublic(t.db, letter.letterId, { sort: "new" }, 1);
    await expect(listPublic(t.db, letter.letterId, { sort: "az", after: page.next! }, 1)).rejects.toThrow(/broken/);
    await expect(listPublic(t.db, letter.letterId, { after: "bm90LWEtY3Vyc29y" }, 1)).rejects.toThrow(/broken/);
  });
});

describe("public ids", () => {
  /** Kendall's tau between two orders of the same items: about 0 when unrelated, ±1 when one follows the other. */
  function kendallTau(a: number[], b: string[]): number {
    let score = 0;
    for (let i = 0; i < a.length; i++) for (let j = i + 1; j < a.length; j++) score += Math.sign(a[j]! - a[i]!) * (b[j]! > b[i]! ? 1 : -1);
    return score / ((a.length * (a.length - 1)) / 2);
  }
  const commonPrefix = (a: string, b: string) => {
    let n = 0;
    while (n < a.length && a[n] === b[n]) n++;
    return n;
  };

  it("are random, unique, and given by the database to every row however it was inserted", async () => {
    await seedSignatures(
      t.db,
      letter,
      Array.from({ length: 40 }, (_, i) => ({ name: `Inserted ${String(i).padStart(2, "0")}` })),
    );
    // A bare INSERT that names no public id gets one too.
    await seedApprovedBulk(t.db, letter, 60, 1, "Bulk Insert");
    const items = await all({ sort: "az" }, 25);
    expect(items).toHaveLength(100);
    for (const item of items) expect(item.id, item.name).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(items.map((i) => i.id)).size).toBe(100);

    // In insertion order, the public ids are in no order, and next to each other share no more than chance.
    const inserted = items.filter((i) => i.name.startsWith("Inserted ")).sort((a, b) => a.name.localeCompare(b.name));
    expect(inserted).toHaveLength(40);
    const tau = kendallTau(
      inserted.map((_, i) => i),
      inserted.map((i) => i.id),
    );
    expect(Math.abs(tau)).toBeLessThan(0.5);
    for (let i = 1; i < inserted.length; i++) expect(commonPrefix(inserted[i - 1]!.id, inserted[i]!.id)).toBeLessThan(4);
  });
});

describe("search and filters", () => {
  it("finds names ignoring accents and case, and forgives a typo", async () => {
    await seedSignatures(t.db, letter, [
      { name: "Björk Guðmundsdóttir" },
      { name: "Sigur Rós" },
      { name: "Mø" },
      { name: "Radiohead" },
      { name: "The Weather Station" },
    ]);
    const names = async (q: string) => (await all({ q })).map((i) => i.name);
    expect(await names("bjork")).toEqual(["Björk Guðmundsdóttir"]);
    expect(await names("GUDMUNDSDOTTIR")).toEqual(["Björk Guðmundsdóttir"]);
    expect(await names("sigur ros")).toEqual(["Sigur Rós"]);
    expect(await names("mo")).toContain("Mø");
    expect(await names("Radiohaed")).toEqual(["Radiohead"]);
    expect(await names("weather")).toEqual(["The Weather Station"]);
    expect(await names("zzzz")).toEqual([]);
    // Relevance first: the exact name before a looser match.
    await seedSignatures(t.db, letter, [{ name: "Radiohead Tribute Band From Somewhere" }]);
    expect((await names("radiohead"))[0]).toBe("Radiohead");
  });

  it("filters by kind, role, country and label, and says how each name was checked", async () => {
    const label = await addLabel(t.db, "Domino", `domino-${Date.now()}.test`);
    const unverified = await addLabel(t.db, "Unproven Records", `unproven-${Date.now()}.test`, false);
    await seedSignatures(t.db, letter, [
      { name: "Solo Artist", kind: "artist", role: "dj", country: "DE" },
      { name: "Domino", kind: "label", labelId: label, role: "other", country: "GB" },
      { name: "Unproven Records", kind: "label", labelId: unverified, role: "other", country: "GB" },
      { name: "Roster Act", kind: "roster", labelId: label, confirmed: false, country: "US" },
      { name: "Roster Confirmed", kind: "roster", labelId: label, country: "US", identityCheck: "Replied from verified account" },
    ]);
    const only = async (query: ListQuery) => (await all(query)).map((i) => i.name).sort();
    expect(await only({ kind: "roster" })).toEqual(["Roster Act", "Roster Confirmed"]);
    expect(await only({ role: "dj" })).toEqual(["Solo Artist"]);
    expect(await only({ country: "US" })).toEqual(["Roster Act", "Roster Confirmed"]);
    expect(await only({ label })).toEqual(["Domino", "Roster Act", "Roster Confirmed"]);
    const byName = Object.fromEntries((await all({})).map((i) => [i.name, i]));
    expect(byName["Solo Artist"]!.badges).toEqual(["email_confirmed"]);
    expect(byName["Domino"]!.badges).toEqual(["label_domain_confirmed"]);
    expect(byName["Unproven Records"]!.badges).toEqual([]);
    expect(byName["Roster Act"]).toMatchObject({ label: "Domino", badges: ["via_label", "artist_not_confirmed"] });
    expect(byName["Roster Confirmed"]!.badges).toEqual(["via_label", "artist_confirmed", "identity_checked"]);
  });
});

describe("roll-up", () => {
  it("moves its change counter on every folded change to what the list shows, and only then", async () => {
    const seq = () => listChangeSeq(t.db, letter.letterId);
    const [a] = await seedSignatures(t.db, letter, [{ name: "Counter One" }, { name: "Counter Two", state: "pending" }]);
    await refreshRollup(t.db, letter.letterId);
    const start = await seq();
    await refreshRollup(t.db, letter.letterId);
    expect(await seq(), "nothing changed").toBe(start);
    // A change no count sees: featuring, a mark.
    await t.db.updateTable("signatures").set({ is_featured: true }).where("id", "=", a!.id).execute();
    expect((await refreshRollup(t.db, letter.letterId)).folded).toBe(0);
    const featured = await seq();
    expect(BigInt(featured)).toBe(BigInt(start) + 1n);
    await t.db.updateTable("signatures").set({ identity_check: "Called the manager" }).where("id", "=", a!.id).execute();
    await refreshRollup(t.db, letter.letterId);
    expect(BigInt(await seq())).toBe(BigInt(featured) + 1n);
    // A change the list does not show (a private field) moves nothing.
    const quiet = await seq();
    await t.db.updateTable("signatures").set({ private_name: "Someone Else" }).where("id", "=", a!.id).execute();
    await refreshRollup(t.db, letter.letterId);
    expect(await seq()).toBe(quiet);
  });

  it("counts through appended changes, not a hot row, and follows approvals, withdrawals and edits", async () => {
    const [a, b, c] = await seedSignatures(t.db, letter, [{ name: "A" }, { name: "B", kind: "label" }, { name: "C", state: "pending" }]);
    const events = await t.db
      .selectFrom("public_list_events")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
    expect(events.n).toBe(2);
    await refreshRollup(t.db, letter.letterId);
    expect(await readStats(t.db, letter.letterId)).toMatchObject({ total: 2, byKind: { artist: 1, label: 1, roster: 0 } });
    expect((await t.db.selectFrom("public_list_events").selectAll().execute()).length).toBe(0);

    await t.db
      .updateTable("signatures")
      .set({ state: "approved", approved_at: sql<Date>`now()` })
      .where("id", "=", c!.id)
      .execute();
    await t.db.updateTable("signatures").set({ state: "withdrawn" }).where("id", "=", a!.id).execute();
    // Featuring a name changes no count.
    await t.db.updateTable("signatures").set({ is_featured: true }).where("id", "=", b!.id).execute();
    const before = await readStats(t.db, letter.letterId);
    expect(before.total).toBe(2);
    const { folded } = await refreshRollup(t.db, letter.letterId);
    expect(folded).toBe(2);
    const after = await readStats(t.db, letter.letterId);
    expect(after).toMatchObject({ total: 2, byKind: { artist: 1, label: 1, roster: 0 } });
    expect(Date.parse(after.updatedAt!)).toBeGreaterThanOrEqual(Date.parse(before.updatedAt!));
  });

  it("reconciles against the table and reports drift when a change bypassed the trigger", async () => {
    await seedSignatures(t.db, letter, [{ name: "X" }, { name: "Y" }, { name: "Z" }]);
    await refreshRollup(t.db, letter.letterId);
    await sql`alter table signatures disable trigger signatures_public_events`.execute(t.db);
    try {
      await t.db.updateTable("signatures").set({ state: "rejected" }).where("display_name", "=", "Z").execute();
    } finally {
      await sql`alter table signatures enable trigger signatures_public_events`.execute(t.db);
    }
    await refreshRollup(t.db, letter.letterId);
    expect((await readStats(t.db, letter.letterId)).total).toBe(3);
    expect(await reconcileRollup(t.db, letter.letterId)).toEqual({ drift: -1 });
    expect((await readStats(t.db, letter.letterId)).total).toBe(2);
    expect(await reconcileRollup(t.db, letter.letterId)).toEqual({ drift: 0 });
  });

  it("gives two refreshes at once the same result as one", async () => {
    await seedSignatures(
      t.db,
      letter,
      Array.from({ length: 12 }, (_, i) => ({ name: `Concurrent ${i}`, country: i % 2 ? "FR" : "BR" })),
    );
    await Promise.all([refreshRollup(t.db, letter.letterId), refreshRollup(t.db, letter.letterId), refreshRollup(t.db, letter.letterId)]);
    const stats = await readStats(t.db, letter.letterId);
    expect(stats.total).toBe(12);
    expect(stats.byCountry).toEqual([
      { country: "BR", count: 6 },
      { country: "FR", count: 6 },
    ]);
    expect(stats.byVersion).toEqual([{ versionId: letter.versionId, count: 12 }]);
  });
});
