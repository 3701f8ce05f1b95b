import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../../app/domain/auth/users.server";
import { BULK_BATCH, applyBulk, countSelection, trending } from "../../../app/domain/moderation/bulk.server";
import { decide } from "../../../app/domain/moderation/decide.server";
import { bulkSchema } from "../../../app/domain/moderation/schema";
import { setupTestDatabase } from "../../support/db";
import { emailsTo, registerCurrentLetter, sign } from "../../support/signatures";

const t = setupTestDatabase();
let moderator: string;
let letter: { letterId: number; versionId: number };

beforeAll(async () => {
  letter = await registerCurrentLetter(t.db);
  moderator = (await addUser(t.db, "bulk.mod@countersign.test", "moderator")).id;
});

/** Inserts `n` signatures in one statement (a flood), all from `domain`. */
let floods = 0;
async function flood(n: number, domain: string, state = "pending", name = "Flood Name") {
  const tag = `f${floods++}x`;
  await sql`
    insert into signatures (letter_id, letter_version_id, state, display_name, name_key, role, country,
                            email, email_normalized, email_domain, ip_hash, consent_public, attested)
    select ${letter.letterId}, ${letter.versionId}, ${state}, ${name} || ' ' || g, 'floodname' || g, 'musician', 'US',
           ${tag} || g || '@' || ${domain}, ${tag} || g || '@' || ${domain}, ${domain}, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', true, true
    from generate_series(1, ${n}) as g`.execute(t.db);
}

async function states(domain: string) {
  const rows = await t.db
    .selectFrom("signatures")
    .select(["state", sql<number>`count(*)::int`.as("n")])
    .where("email_domain", "=", domain)
    .groupBy("state")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

describe("bulk invalidation", () => {
  it("refuses an empty condition", async () => {
    expect(await applyBulk(t.db, { state: "pending" }, "reject", { actorId: moderator, confirmedCount: 0, reason: "fake" })).toMatchObject({
      status: "refused",
    });
  });

  it("shows the count first and refuses when the selection changed since", async () => {
    await flood(3, "changing.example");
    const s = { state: "pending" as const, emailDomain: "changing.example" };
    expect(await countSelection(t.db, s)).toBe(3);
    await flood(1, "changing.example", "pending", "Late Name");
    expect(await applyBulk(t.db, s, "reject", { actorId: moderator, confirmedCount: 3, reason: "fake" })).toEqual({ status: "changed", count: 4 });
    expect(await states("changing.example")).toEqual({ pending: 4 });
  });

  it("rejects a whole flood in batches, writing each change to the audit log", async () => {
    const n = BULK_BATCH + 120;
    await flood(n, "flood.example");
    const outcome = await applyBulk(t.db, { state: "pending", emailDomain: "@flood.example" }, "reject", {
      actorId: moderator,
      confirmedCount: n,
      reason: "fake",
      note: "scripted flood",
    });
    expect(outcome).toEqual({ status: "done", changed: n, skipped: 0 });
    expect(await states("flood.example")).toEqual({ rejected: n });
    const audited = await t.db
      .selectFrom("audit_log")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("action", "=", "bulk_reject")
      .where("reason", "=", "fake: scripted flood")
      .executeTakeFirstOrThrow();
    expect(audited.n).toBe(n);
  });

  it("selects by name pattern and time window too", async () => {
    await flood(2, "pattern.example", "pending", "Spam Bot");
    const s = { state: "pending" as const, namePattern: "spam*bot", since: new Date(Date.now() - 60_000) };
    expect(await countSelection(t.db, s)).toBe(2);
    expect(await countSelection(t.db, { ...s, until: new Date(Date.now() - 30_000) })).toBe(0);
  });
});

describe("bulk approve and release", () => {
  it("approves a selection but skips notable names without an identity check", async () => {
    await flood(3, "approve.example");
    const notable = await t.db.selectFrom("signatures").select("id").where("email_domain", "=", "approve.example").orderBy("id").executeTakeFirstOrThrow();
    await t.db.updateTable("signatures").set({ is_notable: true }).where("id", "=", notable.id).execute();
    const outcome = await applyBulk(t.db, { state: "pending", emailDomain: "approve.example" }, "approve", { actorId: moderator, confirmedCount: 3 });
    expect(outcome).toEqual({ status: "done", changed: 2, skipped: 1 });
    expect(await states("approve.example")).toEqual({ approved: 2, pending: 1 });
  });

  it("releases quarantined signatures and sends the confirmation they never got; never approves them directly", async () => {
    const ctx = { ip: "192.0.2.99", ipHashSecret: "test-ip-hash-secret-0123456789abcdef" };
    const outcomes = [];
    for (let i = 0; i < 7; i++) outcomes.push(await sign(t.db, { email: `q${i}@release.example` }, ctx));
    const quarantined = outcomes.filter((o) => o.kind === "created" && o.state === "quarantined") as { signatureId: string }[];
    expect(quarantined.length).toBeGreaterThan(0);
    const first = quarantined[0]!.signatureId;
    expect(await decide(t.db, { signatureId: first, decision: "approve", expectedState: "quarantined", actorId: moderator })).toMatchObject({
      status: "refused",
    });

    const s = { state: "quarantined" as const, emailDomain: "release.example" };
    const outcome = await applyBulk(t.db, s, "release", { actorId: moderator, confirmedCount: quarantined.length });
    expect(outcome).toMatchObject({ status: "done", changed: quarantined.length });
    const row = await t.db.selectFrom("signatures").select(["state", "email", "quarantine_reason"]).where("id", "=", first).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "unconfirmed", quarantine_reason: null });
    expect((await emailsTo(t.db, row.email!)).map((e) => e.template)).toEqual(["confirm-signature"]);
  });
});

describe("the trending report", () => {
  it("lists the domains and IP hashes with the most signatures in the last hour", async () => {
    await flood(25, "busy.example");
    const { domains, ips } = await trending(t.db);
    expect(domains.find((d) => d.key === "busy.example")?.n).toBe(25);
    expect(ips[0]?.key).toBe("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    expect(domains.map((d) => d.n)).toEqual([...domains.map((d) => d.n)].sort((a, b) => b - a));
  });
});

describe("conditions that select everything", () => {
  it("refuses a name pattern of wildcards alone as no condition", async () => {
    for (const namePattern of ["*", " * ", "**", "a*"]) {
      expect(await applyBulk(t.db, { state: "pending", namePattern }, "approve", { actorId: moderator, confirmedCount: 0 }), namePattern).toMatchObject({
        status: "refused",
      });
    }
  });

  it("refuses a date PostgreSQL cannot store with a message, before any query", () => {
    const parsed = bulkSchema.safeParse({ state: "pending", since: "-010000-01-01T00:00:00Z", action: "approve" });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe("Use a date between the years 2000 and 9999");
  });
});

describe("a flood found after approval", () => {
  it("is hidden in one go: count first, in batches, each change audited, off the public list", async () => {
    await flood(7, "approved-flood.example", "approved");
    const s = { state: "approved" as const, emailDomain: "approved-flood.example" };
    expect(await countSelection(t.db, s)).toBe(7);
    expect(await applyBulk(t.db, s, "hide", { actorId: moderator, confirmedCount: 7 })).toMatchObject({ status: "refused", message: "Choose a reason" });
    expect(await applyBulk(t.db, s, "hide", { actorId: moderator, confirmedCount: 7, reason: "fake", note: "scripted" })).toEqual({
      status: "done",
      changed: 7,
      skipped: 0,
    });
    expect(await states("approved-flood.example")).toEqual({ rejected: 7 });
    const audited = await t.db
      .selectFrom("audit_log")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("action", "=", "bulk_hide")
      .where("before_state", "=", "approved")
      .executeTakeFirstOrThrow();
    expect(audited.n).toBe(7);
  });

  it("cannot be approved or released again by a bulk action that does not fit its state", async () => {
    await flood(2, "approved-other.example", "approved");
    const s = { state: "approved" as const, emailDomain: "approved-other.example" };
    for (const action of ["approve", "release", "reject"] as const) {
      expect(await applyBulk(t.db, s, action, { actorId: moderator, confirmedCount: 2, reason: "fake" })).toMatchObject({ status: "refused" });
    }
    expect(await states("approved-other.example")).toEqual({ approved: 2 });
  });
});
