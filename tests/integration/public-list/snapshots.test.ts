import { createHash } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { CSV_BOM } from "../../../app/domain/public-list/csv";
import { chainLink, listSnapshots, snapshotFile, takeDailySnapshot, verifySnapshotChain } from "../../../app/domain/public-list/snapshots.server";
import { setupTestDatabase } from "../../support/db";
import { seedSignatures } from "../../support/public-list";
import { registerCurrentLetter } from "../../support/signatures";

const t = setupTestDatabase();
let letter: { letterId: number; versionId: number };

beforeAll(async () => {
  letter = await registerCurrentLetter(t.db);
});

const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

describe("daily snapshots", () => {
  it("chain each day to the one before, and any change to the past breaks the chain from that day on", async () => {
    await seedSignatures(t.db, letter, [{ name: "First Day Signer" }, { name: "Pending Person", state: "pending" }]);
    // Yesterday's snapshot, as the job would have written it then.
    const yesterdayContent =
      'name,kind,role,country,label,signed_on,approved_at,featured,badges\r\n"Early Bird","artist","dj","GB",,"2026-11-01","2026-11-02T00:00:00Z",false,"email_confirmed"\r\n';
    const yesterdaySha = sha(CSV_BOM + yesterdayContent);
    const yesterday = await sql<{ day: string }>`select ((now() at time zone 'UTC')::date - 1)::text as day`.execute(t.db);
    const day0 = yesterday.rows[0]!.day;
    await t.db
      .insertInto("public_snapshots")
      .values({
        letter_id: letter.letterId,
        day: sql<Date>`${day0}::date`,
        taken_at: sql<Date>`now() - interval '1 day'`,
        row_count: 1,
        sha256: yesterdaySha,
        previous_chain_sha256: null,
        chain_sha256: chainLink(null, day0, yesterdaySha, 1),
        content: yesterdayContent,
      })
      .execute();

    const taken = await takeDailySnapshot(t.db, letter.letterId);
    expect(taken).toMatchObject({ rowCount: 1, previousChainSha256: chainLink(null, day0, yesterdaySha, 1) });
    const published = (await snapshotFile(t.db, letter.letterId, taken!.day))?.content;
    expect(published!.startsWith(CSV_BOM)).toBe(true);
    expect(sha(published!)).toBe(taken!.sha256);
    expect(published).toContain('"First Day Signer"');
    expect(published).not.toContain("Pending Person");
    expect(taken!.chainSha256).toBe(chainLink(taken!.previousChainSha256, taken!.day, taken!.sha256, 1));
    expect((await listSnapshots(t.db, letter.letterId)).map((s) => s.day)).toEqual([taken!.day, day0]);
    expect(await verifySnapshotChain(t.db, letter.letterId)).toEqual({ ok: true });

    // Someone edits yesterday's export in the database.
    await t.db
      .updateTable("public_snapshots")
      .set({ content: yesterdayContent.replace("Early Bird", "Late Bird") })
      .where(sql<boolean>`day = ${day0}::date`)
      .execute();
    expect(await verifySnapshotChain(t.db, letter.letterId)).toEqual({ ok: false, problem: { day: day0, reason: "the export does not match its hash" } });
    // …and covers it by rewriting that day's hashes: today's link no longer matches.
    const forged = yesterdayContent.replace("Early Bird", "Late Bird");
    const forgedSha = sha(CSV_BOM + forged);
    await t.db
      .updateTable("public_snapshots")
      .set({ sha256: forgedSha, chain_sha256: chainLink(null, day0, forgedSha, 1) })
      .where(sql<boolean>`day = ${day0}::date`)
      .execute();
    expect(await verifySnapshotChain(t.db, letter.letterId)).toEqual({
      ok: false,
      problem: { day: taken!.day, reason: "the link to the previous day is broken" },
    });
  });

  it("takes one snapshot a day however many processes ask at once", async () => {
    await t.db.deleteFrom("public_snapshots").execute();
    const results = await Promise.all([1, 2, 3, 4].map(() => takeDailySnapshot(t.db, letter.letterId)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await listSnapshots(t.db, letter.letterId)).toHaveLength(1);
  });
});
