import { beforeAll, describe, expect, it } from "vitest";
import {
  CREATING_EVENTS,
  NEW,
  SIGNATURE_EVENTS,
  TRANSITIONS,
  TransitionError,
  allowedEvents,
  nextState,
  transition,
  type ExistingEvent,
  type SignatureEvent,
} from "../../../app/domain/signatures/lifecycle.server";
import { SIGNATURE_STATES, type SignatureState } from "../../../app/domain/signatures/states";
import { setupTestDatabase } from "../../support/db";
import { registerCurrentLetter, sign, uniqueEmail } from "../../support/signatures";

const t = setupTestDatabase();
const STATES = Object.values(SIGNATURE_STATES);
const EXISTING = SIGNATURE_EVENTS.filter((e): e is ExistingEvent => !(CREATING_EVENTS as readonly string[]).includes(e));
let moderator: string;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  const user = await t.db
    .insertInto("users")
    .values({ email: uniqueEmail("mod"), role: "moderator" })
    .returning("id")
    .executeTakeFirstOrThrow();
  moderator = user.id;
});

/** A signature put straight into `state` (the test's own fixture, not a path the app offers). */
async function signatureIn(state: SignatureState): Promise<string> {
  const outcome = await sign(t.db, { displayName: `Lifecycle ${state} ${Math.random().toString(36).slice(2, 8)}` });
  if (outcome.kind !== "created") throw new Error("expected a new signature");
  await t.db.updateTable("signatures").set({ state }).where("id", "=", outcome.signatureId).execute();
  return outcome.signatureId;
}

const snapshot = async (id: string) => ({
  row: await t.db.selectFrom("signatures").selectAll().where("id", "=", id).executeTakeFirstOrThrow(),
  audit: (await t.db.selectFrom("audit_log").select("id").where("subject_id", "=", id).execute()).length,
  emails: (await t.db.selectFrom("email_outbox").select("id").execute()).length,
  tokens: (await t.db.selectFrom("signature_tokens").select("id").where("signature_id", "=", id).where("revoked_at", "is", null).execute()).length,
});

const optionsFor = (event: SignatureEvent) => ({
  rejection: event === "reject" || event === "hide" ? { reason: "fake", note: null } : undefined,
  identityCheck: event === "identity_check" ? "Confirmed with the manager by phone" : undefined,
  fields: event === "edit" || event === "amend" ? { country: "FR" } : undefined,
});

describe("the lifecycle table", () => {
  it("starts a signature only through the creating events", () => {
    expect(nextState(NEW, "sign")).toBe("unconfirmed");
    expect(nextState(NEW, "quarantine")).toBe("quarantined");
    expect(nextState(NEW, "list")).toBe("pending");
    expect(nextState(NEW, "sign_as_label")).toBe("pending");
    for (const event of EXISTING) expect(nextState(NEW, event)).toBeUndefined();
  });

  it("lets nothing out of withdrawn: a withdrawn name never comes back", () => {
    expect(allowedEvents("withdrawn")).toEqual([]);
  });

  it("offers the admin pages exactly the events the table allows", () => {
    for (const state of STATES) {
      expect(allowedEvents(state).sort()).toEqual(EXISTING.filter((e) => state in TRANSITIONS[e]).sort());
    }
  });
});

describe.each(STATES)("a signature that is %s", (state) => {
  it.each(EXISTING)("%s", async (event) => {
    const id = await signatureIn(state);
    const before = await snapshot(id);
    const to = nextState(state, event);
    const run = t.db.transaction().execute((trx) => transition(trx, id, event, `user:${moderator}`, { expected: state, ...optionsFor(event) }));
    if (to === undefined) {
      // Refused: a typed error and no write of any kind.
      const error = await run.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TransitionError);
      expect(error).toMatchObject({ code: "refused", state });
      expect(await snapshot(id)).toEqual(before);
      return;
    }
    expect(await run).toEqual({ id, before: state, state: to });
    const after = await snapshot(id);
    expect(after.row.state).toBe(to);
    expect(after.audit).toBe(before.audit + 1);
    const audit = await t.db.selectFrom("audit_log").selectAll().where("subject_id", "=", id).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: event, before_state: state, after_state: to, actor: `user:${moderator}` });
    // The emails and erasures each event owns.
    if (event === "confirm") expect(after.emails).toBe(before.emails + 1);
    if (event === "release") expect(after.emails).toBe(before.emails + 1);
    if (to === "withdrawn") {
      expect(after.row).toMatchObject({ email: null, email_normalized: null, private_name: null, ip_hash: null, artist_email: null, is_featured: false });
      expect(after.tokens).toBe(0);
    }
    if (event !== "confirm" && event !== "release") expect(after.emails).toBe(before.emails);
  });
});

describe("transition", () => {
  it("refuses a stale expected state as a conflict and writes nothing", async () => {
    const id = await signatureIn("pending");
    const before = await snapshot(id);
    await expect(t.db.transaction().execute((trx) => transition(trx, id, "approve", `user:${moderator}`, { expected: "quarantined" }))).rejects.toMatchObject({
      code: "conflict",
      state: "pending",
    });
    expect(await snapshot(id)).toEqual(before);
  });

  it("refuses to approve a notable name without an identity check", async () => {
    const id = await signatureIn("pending");
    await t.db.transaction().execute((trx) => transition(trx, id, "mark_notable", `user:${moderator}`));
    const before = await snapshot(id);
    await expect(t.db.transaction().execute((trx) => transition(trx, id, "approve", `user:${moderator}`))).rejects.toMatchObject({
      code: "needs_identity_check",
    });
    expect(await snapshot(id)).toEqual(before);
  });

  it("answers not_found for an id that does not exist", async () => {
    await expect(t.db.transaction().execute((trx) => transition(trx, "999999999", "approve", "system"))).rejects.toMatchObject({ code: "not_found" });
  });
});
