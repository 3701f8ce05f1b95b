import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { CODE_LIMITS } from "../../../app/domain/abuse/limits";
import { auditTrail } from "../../../app/domain/audit/audit.server";
import { confirmByToken, confirmWithCode, lookupConfirmToken } from "../../../app/domain/signatures/confirm.server";
import { lookupManageToken, updateSignature, withdrawSignature } from "../../../app/domain/signatures/manage.server";
import { decide, setNotable } from "../../../app/domain/moderation/decide.server";
import { setupTestDatabase } from "../../support/db";
import { freshContext, lastEmailTo, registerCurrentLetter, sign, uniqueEmail } from "../../support/signatures";

const t = setupTestDatabase();
let letterId: number;
beforeAll(async () => {
  letterId = (await registerCurrentLetter(t.db)).letterId;
});

async function signed(email = uniqueEmail()) {
  const outcome = await sign(t.db, { email, privateName: "Private Person" });
  if (outcome.kind !== "created") throw new Error("expected a new signature");
  const { props } = (await lastEmailTo(t.db, email))!;
  return { id: outcome.signatureId, email, token: props.token!, code: props.code! };
}

async function stateOf(id: string) {
  return (await t.db.selectFrom("signatures").select("state").where("id", "=", id).executeTakeFirstOrThrow()).state;
}

async function confirmed(email = uniqueEmail()) {
  const s = await signed(email);
  await confirmByToken(t.db, s.token);
  const { props } = (await lastEmailTo(t.db, email))!;
  return { ...s, manageToken: props.manageToken! };
}

describe("confirming by link", () => {
  it("shows the signature on GET and changes nothing", async () => {
    const s = await signed();
    const looked = await lookupConfirmToken(t.db, s.token);
    expect(looked).toMatchObject({ status: "ready", view: { displayName: "The Weather Station", role: "musician", country: "CA" } });
    expect(JSON.stringify(looked)).not.toContain(s.email);
    expect(JSON.stringify(looked)).not.toContain("Private Person");
    await lookupConfirmToken(t.db, s.token);
    expect(await stateOf(s.id)).toBe("unconfirmed");
  });

  it("moves unconfirmed to pending on POST, once, and answers a repeat with the same result", async () => {
    const s = await signed();
    expect(await confirmByToken(t.db, s.token)).toMatchObject({ status: "confirmed" });
    expect(await stateOf(s.id)).toBe("pending");
    expect(await confirmByToken(t.db, s.token)).toMatchObject({ status: "confirmed" });
    expect(await lookupConfirmToken(t.db, s.token)).toMatchObject({ status: "confirmed" });
    const trail = await auditTrail(t.db, "signature", s.id);
    expect(trail.filter((a) => a.action === "confirm")).toMatchObject([{ before_state: "unconfirmed", after_state: "pending" }]);
    const mail = await lastEmailTo(t.db, s.email);
    expect(mail?.template).toBe("signature-confirmed");
  });

  it("makes one transition when the same link is posted many times at once", async () => {
    const s = await signed();
    const results = await Promise.all(Array.from({ length: 8 }, () => confirmByToken(t.db, s.token)));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill("confirmed"));
    const trail = await auditTrail(t.db, "signature", s.id);
    expect(trail.filter((a) => a.action === "confirm")).toHaveLength(1);
    const manage = await t.db.selectFrom("signature_tokens").select("id").where("signature_id", "=", s.id).where("purpose", "=", "manage").execute();
    expect(manage).toHaveLength(1);
  });

  it("refuses an expired link, an unknown one and a malformed one", async () => {
    const s = await signed();
    await t.db
      .updateTable("signature_tokens")
      .set({ expires_at: sql<Date>`now() - interval '1 minute'` })
      .where("signature_id", "=", s.id)
      .execute();
    expect(await confirmByToken(t.db, s.token)).toEqual({ status: "expired" });
    expect(await stateOf(s.id)).toBe("unconfirmed");
    expect(await confirmByToken(t.db, "A".repeat(43))).toEqual({ status: "invalid" });
    expect(await confirmByToken(t.db, "'; drop table signatures; --")).toEqual({ status: "invalid" });
  });

  it("does not accept a manage token as a confirmation token, nor the reverse", async () => {
    const c = await confirmed();
    expect(await lookupConfirmToken(t.db, c.manageToken)).toEqual({ status: "invalid" });
    expect(await lookupManageToken(t.db, c.token)).toEqual({ status: "invalid" });
  });
});

describe("confirming by code", () => {
  it("finds the signature with the address and the code, then confirms on the second step", async () => {
    const s = await signed();
    const ctx = freshContext();
    expect(await confirmWithCode(t.db, letterId, { email: s.email.toUpperCase(), code: s.code }, ctx, false)).toMatchObject({ status: "ready" });
    expect(await stateOf(s.id)).toBe("unconfirmed");
    expect(await confirmWithCode(t.db, letterId, { email: s.email, code: s.code }, ctx, true)).toMatchObject({ status: "confirmed" });
    expect(await stateOf(s.id)).toBe("pending");
  });

  it("refuses a wrong code, and stops guessing after a few tries", async () => {
    const s = await signed();
    const ctx = freshContext();
    const wrong = s.code === "ZZZZZZZZ" ? "YYYYYYYY" : "ZZZZZZZZ";
    expect(await confirmWithCode(t.db, letterId, { email: s.email, code: wrong }, ctx, true)).toEqual({ status: "wrong_code" });
    for (let i = 1; i < CODE_LIMITS.email.max; i++) await confirmWithCode(t.db, letterId, { email: s.email, code: wrong }, freshContext(), true);
    // Even the right code is refused now, from any IP: the address is locked for the hour.
    expect(await confirmWithCode(t.db, letterId, { email: s.email, code: s.code }, freshContext(), true)).toEqual({ status: "too_many_tries" });
    expect(await stateOf(s.id)).toBe("unconfirmed");
  });

  it("gives the same answer for an address that never signed", async () => {
    expect(await confirmWithCode(t.db, letterId, { email: uniqueEmail("nobody"), code: "ABCD2345" }, freshContext(), false)).toEqual({ status: "wrong_code" });
  });
});

describe("managing a signature", () => {
  it("edits the public fields; a new name sends an approved signature back to moderation", async () => {
    const c = await confirmed();
    const input = { displayName: "The Weather Station", role: "songwriter" as const, country: "US", consent: true, comment: "Still here." };
    expect(await updateSignature(t.db, c.manageToken, input)).toEqual({ status: "updated", backToModeration: false });
    expect(await stateOf(c.id)).toBe("pending");

    await t.db.updateTable("signatures").set({ state: "approved" }).where("id", "=", c.id).execute();
    expect(await updateSignature(t.db, c.manageToken, { ...input, comment: "Edited." })).toEqual({ status: "updated", backToModeration: false });
    expect(await stateOf(c.id)).toBe("approved");
    expect(await updateSignature(t.db, c.manageToken, { ...input, displayName: "Weather Station (band)" })).toEqual({
      status: "updated",
      backToModeration: true,
    });
    expect(await stateOf(c.id)).toBe("pending");
    const row = await t.db.selectFrom("signatures").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ display_name: "Weather Station (band)", role: "songwriter", country: "US", comment: "Still here." });
  });

  it.each([
    ["role", { role: "producer" as const }],
    ["country", { country: "FR" }],
  ])("sends an approved signature back to moderation when its %s changes, as a new name would", async (_field, change) => {
    const c = await confirmed();
    const input = { displayName: "The Weather Station", role: "songwriter" as const, country: "US", consent: true };
    await updateSignature(t.db, c.manageToken, input);
    await t.db.updateTable("signatures").set({ state: "approved" }).where("id", "=", c.id).execute();
    expect(await updateSignature(t.db, c.manageToken, { ...input, ...change })).toEqual({ status: "updated", backToModeration: true });
    expect(await stateOf(c.id)).toBe("pending");
    expect((await auditTrail(t.db, "signature", c.id)).at(-1)).toMatchObject({ action: "edit", before_state: "approved", after_state: "pending" });
  });

  it("withdraws: off the list at once, private fields deleted, links revoked, emails redacted", async () => {
    const c = await confirmed();
    await t.db.updateTable("signatures").set({ state: "approved" }).where("id", "=", c.id).execute();
    expect(await withdrawSignature(t.db, c.manageToken)).toEqual({ status: "withdrawn" });

    const row = await t.db.selectFrom("signatures").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: "withdrawn", email: null, email_normalized: null, email_domain: null, private_name: null, ip_hash: null });
    expect(row.withdrawn_at).toBeInstanceOf(Date);
    const live = await t.db.selectFrom("signature_tokens").select("id").where("signature_id", "=", c.id).where("revoked_at", "is", null).execute();
    expect(live).toHaveLength(0);
    expect(await lastEmailTo(t.db, c.email)).toBeUndefined();

    expect(await lookupManageToken(t.db, c.manageToken)).toEqual({ status: "withdrawn" });
    expect(await withdrawSignature(t.db, c.manageToken)).toEqual({ status: "invalid" });
    expect(await confirmByToken(t.db, c.token)).toEqual({ status: "invalid" });
    // The address is free again: the person may sign anew.
    expect(await sign(t.db, { email: c.email })).toMatchObject({ kind: "created" });
  });
});

describe("what a moderator decided on stays tied to what they saw", () => {
  const input = { displayName: "Minor Notable", role: "musician" as const, country: "US", consent: true };
  const version = async (id: string) => (await sql<{ v: string }>`select updated_at::text as v from signatures where id = ${id}`.execute(t.db)).rows[0]!.v;
  const moderator = async () =>
    (
      await t.db
        .insertInto("users")
        .values({ email: uniqueEmail("mod"), role: "moderator" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;

  it("refuses an approval of a name the signer changed after the moderator looked", async () => {
    const c = await confirmed();
    await updateSignature(t.db, c.manageToken, input);
    const seen = await version(c.id);
    await updateSignature(t.db, c.manageToken, { ...input, displayName: "Completely Different Person" });
    const outcome = await decide(t.db, { signatureId: c.id, decision: "approve", expectedState: "pending", expectedVersion: seen, actorId: await moderator() });
    expect(outcome).toEqual({ status: "conflict", state: "pending" });
    expect(await stateOf(c.id)).toBe("pending");
  });

  it("drops an identity check and featuring when the public name changes", async () => {
    const c = await confirmed();
    await updateSignature(t.db, c.manageToken, input);
    await t.db
      .updateTable("signatures")
      .set({ state: "approved", identity_check: "Reply from management", is_featured: true })
      .where("id", "=", c.id)
      .execute();
    await updateSignature(t.db, c.manageToken, { ...input, displayName: "Famous Star" });
    const row = await t.db.selectFrom("signatures").select(["state", "identity_check", "is_featured"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "pending", identity_check: null, is_featured: false });
  });

  it("lets a signer whose name was hidden still withdraw and be forgotten", async () => {
    const c = await confirmed();
    await t.db.updateTable("signatures").set({ state: "rejected" }).where("id", "=", c.id).execute();
    expect(await withdrawSignature(t.db, c.manageToken)).toEqual({ status: "withdrawn" });
    const row = await t.db.selectFrom("signatures").select(["state", "email", "ip_hash", "private_name"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "withdrawn", email: null, ip_hash: null, private_name: null });
  });

  it("answers marking a withdrawn or unknown signature notable with an outcome, not an exception", async () => {
    const c = await confirmed();
    await withdrawSignature(t.db, c.manageToken);
    const mod = await moderator();
    expect(await setNotable(t.db, c.id, true, mod)).toMatchObject({ status: "refused" });
    expect(await setNotable(t.db, "999999999", true, mod)).toEqual({ status: "not_found" });
  });
});
