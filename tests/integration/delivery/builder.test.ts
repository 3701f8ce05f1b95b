import { describe, expect, it } from "vitest";
import { listPacks, packPdf, packWaiting, requestPack } from "../../../app/domain/delivery/packs.server";
import { addUser } from "../../../app/domain/auth/users.server";
import { buildPackInChild } from "../../../server/pack-builder";
import { TEST_DATABASE_URL } from "../../support/config";
import { setupTestDatabase } from "../../support/db";
import { pdfText, scriptNames, seedNames } from "../../support/delivery";
import { registerCurrentLetter } from "../../support/signatures";

// On PostgreSQL the first web process's tick builds a pack in a process of its own
// (server/pack-builder.ts), started only when a pack waits; the same PDF, its heap capped.

const t = setupTestDatabase();
let letter: Awaited<ReturnType<typeof registerCurrentLetter>>;
const NAMES = [...scriptNames("arabic", 5), ...scriptNames("chinese", 5), "Builder Signer"];

describe("the delivery pack builder", () => {
  it("says whether a pack waits", async () => {
    letter = await registerCurrentLetter(t.db);
    await seedNames(t.db, letter, NAMES, { prefix: "builder" });
    expect(await packWaiting(t.db)).toBe(false);
    const admin = await addUser(t.db, `admin.${Date.now()}@countersign.test`, "admin");
    await requestPack(t.db, letter.letterId, admin.id);
    expect(await packWaiting(t.db)).toBe(true);
  });

  it.skipIf(!TEST_DATABASE_URL)(
    "builds the waiting pack in a process of its own, and reports its time and memory",
    async () => {
      const report = await buildPackInChild({ databaseUrl: t.database.url!, siteUrl: "https://letters.example.org" });
      expect(report.made?.outcome).toBe("ready");
      expect(report.timings.snapshotMs).toBeGreaterThan(0);
      expect(report.timings.pdfMs).toBeGreaterThan(0);
      expect(report.peakRssMb).toBeGreaterThan(0);
      expect(await packWaiting(t.db)).toBe(false);
      const [pack] = await listPacks(t.db, letter.letterId);
      expect(pack!.state).toBe("ready");
      const stored = await packPdf(t.db, letter.letterId, pack!.id);
      const chunks: Uint8Array[] = [];
      for await (const chunk of stored!.chunks()) chunks.push(chunk);
      const lines = new Set((await pdfText(new Uint8Array(Buffer.concat(chunks)))).lines);
      for (const name of NAMES) expect(lines.has(name), name).toBe(true);
    },
    60_000,
  );
});
