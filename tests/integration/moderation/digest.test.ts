import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../../app/domain/auth/users.server";
import { sendQueueDigest } from "../../../app/domain/moderation/digest.server";
import { setupTestDatabase } from "../../support/db";
import { labelWithRep } from "../../support/labels";
import { emailsTo, registerCurrentLetter, sign } from "../../support/signatures";

const t = setupTestDatabase();

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  await addUser(t.db, "digest.mod@countersign.test", "moderator");
  await addUser(t.db, "digest.admin@countersign.test", "admin");
  await labelWithRep(t.db, { email: "digest.rep@countersign.test" });
});

describe("the moderators' digest", () => {
  it("is sent to moderators and admins once the queue is older than the threshold, once per period", async () => {
    const outcome = await sign(t.db, {});
    if (outcome.kind !== "created") throw new Error("expected a signature");
    await t.db.updateTable("signatures").set({ state: "pending", confirmed_at: new Date() }).where("id", "=", outcome.signatureId).execute();
    expect(await sendQueueDigest(t.db, 6)).toBe(0);

    await t.db
      .updateTable("signatures")
      .set({ confirmed_at: sql<Date>`now() - interval '7 hours'` })
      .where("id", "=", outcome.signatureId)
      .execute();
    expect(await sendQueueDigest(t.db, 6)).toBe(2);
    const [digest] = await emailsTo(t.db, "digest.mod@countersign.test");
    expect(digest).toMatchObject({ template: "queue-digest", props: { pending: 1, oldestHours: 7 } });
    expect(await emailsTo(t.db, "digest.rep@countersign.test")).toHaveLength(0);

    // Several processes run this every ten minutes: the period's digest goes out once.
    expect(await Promise.all([sendQueueDigest(t.db, 6), sendQueueDigest(t.db, 6)])).toEqual([0, 0]);
    expect(await emailsTo(t.db, "digest.admin@countersign.test")).toHaveLength(1);
  });
});
