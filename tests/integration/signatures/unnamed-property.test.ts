import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion } from "../../../app/domain/letter/letter.server";
import { eachPublic, listPublic } from "../../../app/domain/public-list/list.server";
import { readStats, reconcileRollup, refreshRollup } from "../../../app/domain/public-list/rollup.server";
import { snapshotFile, takeSnapshot } from "../../../app/domain/public-list/snapshots.server";
import { transition } from "../../../app/domain/signatures/lifecycle.server";
import { updateSignature, withdrawSignature } from "../../../app/domain/signatures/manage.server";
import { issueToken } from "../../../app/domain/signatures/tokens.server";
import { setupTestDatabase } from "../../support/db";
import { seedSignatures } from "../../support/public-list";

// The unnamed rule as a property (decision 016): whatever mix of named and unnamed signatures, and
// whatever the signers and moderators then do, in any order, no unnamed name is in the public list,
// its searches, its export walk or any snapshot, and the counts still count every approved signature.

const t = setupTestDatabase();
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) > 0 ? Math.min(Number(process.env.FUZZ_RUNS), 200) : 20;

type Step = { kind: "approve" | "hide" | "withdraw" | "snapshot"; who: number } | { kind: "to_named" | "to_unnamed"; who: number } | { kind: "refresh" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constantFrom("approve", "approve", "hide", "withdraw", "snapshot", "snapshot" as const), who: fc.nat(3) }),
  fc.record({ kind: fc.constantFrom("to_named", "to_unnamed" as const), who: fc.nat(3) }),
  fc.constant({ kind: "refresh" as const }),
);

let letterRun = 0;

describe("no unnamed signature is ever shown by name", () => {
  it("holds across random signers and random sequences of approvals, hides, withdrawals, switches and snapshots", async () => {
    const text = await readLetterFile();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 6 }), fc.array(step, { maxLength: 24 }), async (namedFlags, steps) => {
        const run = letterRun++;
        // A letter per run, so each run's list, counts and snapshots are its own.
        const letter = await registerLetterVersion(t.db, `${CURRENT_LETTER.slug}-prop-${run}`, text.replace(/^# /, `# Run ${run}: `));
        const rows = await seedSignatures(
          t.db,
          letter,
          namedFlags.map((_, i) => ({ name: `Prop Signer R${run}N${i}`, state: i % 2 === 0 ? ("approved" as const) : ("pending" as const) })),
        );
        for (const [i, named] of namedFlags.entries()) {
          if (!named) await t.db.updateTable("signatures").set({ named: false, consent_public: false }).where("id", "=", rows[i]!.id).execute();
        }
        const tokens = await Promise.all(rows.map(async (r) => (await issueToken(t.db, r.id, "manage")).token));
        const snapshots: string[] = [];

        for (const s of steps) {
          if (s.kind === "refresh") {
            await refreshRollup(t.db, letter.letterId);
            continue;
          }
          if (s.kind === "snapshot") {
            snapshots.push((await takeSnapshot(t.db, letter.letterId)).identifier);
            continue;
          }
          const row = rows[s.who % rows.length]!;
          const token = tokens[s.who % rows.length]!;
          if (s.kind === "withdraw") await withdrawSignature(t.db, token);
          else if (s.kind === "to_named" || s.kind === "to_unnamed") {
            await updateSignature(t.db, token, {
              displayName: row.name,
              role: "musician",
              country: "GB",
              unnamed: s.kind === "to_unnamed",
              consent: s.kind === "to_named",
            });
          } else {
            await t.db
              .transaction()
              .execute((trx) => transition(trx, row.id, s.kind as "approve" | "hide", "system"))
              .catch(() => undefined); // refused by the table from this state: nothing happens
          }
        }

        const truth = await t.db.selectFrom("signatures").select(["display_name", "state", "named"]).where("letter_id", "=", letter.letterId).execute();
        const approved = truth.filter((r) => r.state === "approved");
        const shouldShow = approved.filter((r) => r.named).map((r) => r.display_name);
        const mustNotShow = truth.filter((r) => !(r.state === "approved" && r.named)).map((r) => r.display_name);

        const walked: string[] = [];
        for await (const item of eachPublic(t.db, letter.letterId, {})) walked.push(item.name);
        expect(walked.sort()).toEqual([...shouldShow].sort());
        for (const name of mustNotShow) {
          const found = await listPublic(t.db, letter.letterId, { q: name });
          expect(found.items.map((i) => i.name)).not.toContain(name);
        }
        for (const identifier of snapshots) {
          const file = await snapshotFile(t.db, letter.letterId, identifier);
          let body = "";
          for await (const chunk of file!.lines()) body += chunk;
          for (const name of mustNotShow) expect(body).not.toContain(name);
        }

        await refreshRollup(t.db, letter.letterId);
        const stats = await readStats(t.db, letter.letterId);
        expect({ total: stats.total, unnamed: stats.unnamed }).toEqual({ total: approved.length, unnamed: approved.filter((r) => !r.named).length });
        expect((await reconcileRollup(t.db, letter.letterId)).drift).toBe(0);
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? 42) },
    );
  }, 300_000);
});
