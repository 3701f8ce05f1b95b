import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { auditTrail } from "../../../app/domain/audit/audit.server";
import { addUser } from "../../../app/domain/auth/users.server";
import { decide, recordIdentityCheck, setNotable } from "../../../app/domain/moderation/decide.server";
import { countsByState, listQueue } from "../../../app/domain/moderation/queue.server";
import { nameKey } from "../../../app/domain/signatures/text";
import { setupTestDatabase } from "../../support/db";
import { registerCurrentLetter, sign } from "../../support/signatures";

const t = setupTestDatabase();
let moderator: string;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  moderator = (await addUser(t.db, "mod@countersign.test", "moderator")).id;
});

async function pending(displayName = "Big Thief") {
  const outcome = await sign(t.db, { displayName });
  if (outcome.kind !== "created") throw new Error("expected a signature");
  await t.db.updateTable("signatures").set({ state: "pending" }).where("id", "=", outcome.signatureId).execute();
  return outcome.signatureId;
}

async function stateOf(id: string) {
  return (await t.db.selectFrom("signatures").select("state").where("id", "=", id).executeTakeFirstOrThrow()).state;
}

describe("moderator decisions", () => {
  it("approves a pending signature and writes who, what, when and the states to the audit log", async () => {
    const id = await pending();
    expect(await decide(t.db, { signatureId: id, decision: "approve", expectedState: "pending", actorId: moderator })).toEqual({
      status: "done",
      state: "approved",
    });
    const row = await t.db.selectFrom("signatures").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "approved", decided_by: moderator });
    expect(row.approved_at).toBeInstanceOf(Date);
    const trail = await auditTrail(t.db, "signature", id);
    expect(trail.at(-1)).toMatchObject({ actor: `user:${moderator}`, action: "approve", before_state: "pending", after_state: "approved" });
  });

  it("rejects only with a reason code, and a note when the reason is other", async () => {
    const id = await pending();
    expect(await decide(t.db, { signatureId: id, decision: "reject", expectedState: "pending", actorId: moderator })).toEqual({
      status: "refused",
      message: "Choose a reason",
    });
    expect(await decide(t.db, { signatureId: id, decision: "reject", expectedState: "pending", actorId: moderator, reason: "other" })).toMatchObject({
      status: "refused",
    });
    expect(await stateOf(id)).toBe("pending");
    expect(
      await decide(t.db, { signatureId: id, decision: "reject", expectedState: "pending", actorId: moderator, reason: "fake", note: "Label says no" }),
    ).toEqual({ status: "done", state: "rejected" });
    const row = await t.db.selectFrom("signatures").select(["rejection_reason", "decision_note"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toEqual({ rejection_reason: "fake", decision_note: "Label says no" });
    expect((await auditTrail(t.db, "signature", id)).at(-1)).toMatchObject({ action: "reject", reason: "fake: Label says no" });
  });

  it("features and hides an approved signature later", async () => {
    const id = await pending();
    await decide(t.db, { signatureId: id, decision: "approve", expectedState: "pending", actorId: moderator });
    expect(await decide(t.db, { signatureId: id, decision: "feature", expectedState: "approved", actorId: moderator })).toEqual({
      status: "done",
      state: "approved",
    });
    expect((await t.db.selectFrom("signatures").select("is_featured").where("id", "=", id).executeTakeFirstOrThrow()).is_featured).toBe(true);
    expect(await decide(t.db, { signatureId: id, decision: "hide", expectedState: "approved", actorId: moderator, reason: "offensive" })).toEqual({
      status: "done",
      state: "rejected",
    });
    const row = await t.db.selectFrom("signatures").select(["state", "is_featured"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "rejected", is_featured: false });
  });

  it("refuses a decision from a state it does not apply to", async () => {
    const outcome = await sign(t.db, {});
    if (outcome.kind !== "created") throw new Error("expected a signature");
    expect(await decide(t.db, { signatureId: outcome.signatureId, decision: "approve", expectedState: "unconfirmed", actorId: moderator })).toMatchObject({
      status: "refused",
    });
    expect(await stateOf(outcome.signatureId)).toBe("unconfirmed");
  });

  it("lets one of two moderators deciding at once win, and tells the other", async () => {
    const id = await pending();
    const other = (await addUser(t.db, "mod2@countersign.test", "moderator")).id;
    const results = await Promise.all([
      decide(t.db, { signatureId: id, decision: "approve", expectedState: "pending", actorId: moderator }),
      decide(t.db, { signatureId: id, decision: "reject", expectedState: "pending", actorId: other, reason: "duplicate" }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual(["conflict", "done"]);
    const loser = results.find((r) => r.status === "conflict") as { state: string };
    expect(loser.state).toBe(await stateOf(id));
    expect((await auditTrail(t.db, "signature", id)).filter((a) => a.actor.startsWith("user:"))).toHaveLength(1);
  });
});

describe("notable names", () => {
  it("cannot be approved until a moderator records how the identity was checked", async () => {
    const id = await pending("Famous Person");
    await setNotable(t.db, id, true, moderator);
    expect(await decide(t.db, { signatureId: id, decision: "approve", expectedState: "pending", actorId: moderator })).toMatchObject({ status: "refused" });
    expect(await recordIdentityCheck(t.db, id, "short", moderator)).toMatchObject({ status: "refused" });
    expect(await recordIdentityCheck(t.db, id, "Confirmed with manager by phone", moderator)).toMatchObject({ status: "done" });
    expect(await decide(t.db, { signatureId: id, decision: "approve", expectedState: "pending", actorId: moderator })).toMatchObject({ status: "done" });
    expect((await auditTrail(t.db, "signature", id)).map((a) => a.action)).toEqual(["sign", "mark_notable", "identity_check", "approve"]);
  });

  it("applies to any signature whose name is on the admins' notable list", async () => {
    await t.db
      .insertInto("notable_names")
      .values({ name_key: nameKey("Taylor Swift"), display_name: "Taylor Swift" })
      .execute();
    const id = await pending("taylor swift");
    expect(await decide(t.db, { signatureId: id, decision: "approve", expectedState: "pending", actorId: moderator })).toMatchObject({ status: "refused" });
    const [row] = await listQueue(t.db, { state: "pending", order: "newest", q: "Taylor" });
    expect(row).toMatchObject({ id, notable: true });
  });
});

describe("the queue", () => {
  it("filters, searches by name, email, domain and IP hash, and counts per state", async () => {
    const id = await pending("Searchable Band");
    const row = await t.db.selectFrom("signatures").select(["email", "email_domain", "ip_hash"]).where("id", "=", id).executeTakeFirstOrThrow();
    for (const q of ["searchable", row.email!, `@${row.email_domain}`, row.ip_hash!]) {
      const found = await listQueue(t.db, { state: "pending", order: "oldest", q });
      expect(
        found.map((r) => r.id),
        q,
      ).toContain(id);
    }
    expect(await listQueue(t.db, { state: "pending", order: "oldest", q: "no such band anywhere" })).toEqual([]);
    expect(await listQueue(t.db, { state: "pending", order: "oldest", country: "CA", role: "dj" })).toEqual([]);
    const counts = await countsByState(t.db);
    expect(counts.pending).toBeGreaterThanOrEqual(1);
    expect(Object.keys(counts).sort()).toEqual(["approved", "pending", "quarantined", "rejected", "unconfirmed", "withdrawn"]);
  });

  it("hints at the same name already approved or pending", async () => {
    await pending("Duplicate Name");
    const second = await pending("duplicate-name");
    const [row] = await listQueue(t.db, { state: "pending", order: "newest", q: "duplicate" });
    expect(row).toMatchObject({ id: second, sameName: 1 });
  });
});

describe("the audit log", () => {
  it("cannot be changed or deleted", async () => {
    await expect(sql`update audit_log set reason = 'tampered'`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it("finds every flagged row however many unflagged ones come first (the filter is in SQL, before the page limit)", async () => {
    // 60 older rows in another state bucket would not matter: use the same state and order.
    const tag = Math.random().toString(36).slice(2, 7);
    const plain: string[] = [];
    for (let i = 0; i < 60; i++) {
      // Each from a domain of its own, so no "many from one domain" hint flags it.
      const outcome = await sign(t.db, { displayName: `Plain Unflagged ${tag} ${i}`, email: `artist@plain-${tag}-${i}.test` });
      if (outcome.kind !== "created") throw new Error("expected a signature");
      plain.push(outcome.signatureId);
    }
    await t.db.updateTable("signatures").set({ state: "pending" }).where("id", "in", plain).execute();
    await t.db
      .updateTable("signatures")
      .set({ created_at: new Date(Date.now() - 86_400_000 * 3) })
      .where("id", "in", plain)
      .execute();
    const flaggedName = `Flagged Twice ${Math.random().toString(36).slice(2, 7)}`;
    await pending(flaggedName);
    const flagged = await pending(flaggedName);
    expect((await listQueue(t.db, { state: "pending", order: "oldest" })).map((r) => r.id)).not.toContain(flagged);
    const rows = await listQueue(t.db, { state: "pending", order: "oldest", flagged: true });
    expect(rows.map((r) => r.id)).toContain(flagged);
    expect(rows.every((r) => r.notable || r.trending || r.sameName > 0 || r.sameDomainDay >= 5 || r.sameIpDay >= 5)).toBe(true);
  });
});
