import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { hashIp } from "../../../app/domain/abuse/ip.server";
import { SIGNING_LIMITS } from "../../../app/domain/abuse/limits";
import { auditTrail } from "../../../app/domain/audit/audit.server";
import { letterSha256, registerLetterVersion } from "../../../app/domain/letter/letter.server";
import { DOUBLE_SUBMIT_WINDOW_MS, MAX_NOTICES, submitSignature } from "../../../app/domain/signatures/sign.server";
import { codeDigest, sha256 } from "../../../app/domain/signatures/tokens.server";
import { setupTestDatabase } from "../../support/db";
import { TEST_IP_SECRET, emailsTo, freshContext, lastEmailTo, registerCurrentLetter, sign, signInput, uniqueEmail } from "../../support/signatures";

const t = setupTestDatabase();
let currentVersionId: number;

beforeAll(async () => {
  currentVersionId = (await registerCurrentLetter(t.db)).versionId;
});

async function signatureById(id: string) {
  return t.db.selectFrom("signatures").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function countFor(email: string) {
  const rows = await t.db.selectFrom("signatures").select("id").where("email_normalized", "=", email.toLowerCase()).execute();
  return rows.length;
}

describe("submitting the form", () => {
  it("stores an unconfirmed signature with the version it saw, and queues one confirmation email", async () => {
    const email = uniqueEmail();
    const outcome = await sign(t.db, { email, privateName: "Tamara Lindeman", comment: "Not in our name." });
    expect(outcome).toMatchObject({ kind: "created", state: "unconfirmed" });
    if (outcome.kind !== "created") throw new Error("unreachable");

    const row = await signatureById(outcome.signatureId);
    expect(row).toMatchObject({
      state: "unconfirmed",
      kind: "artist",
      display_name: "The Weather Station",
      private_name: "Tamara Lindeman",
      letter_version_id: currentVersionId,
      consent_public: true,
      attested: true,
      email,
    });
    const emails = await emailsTo(t.db, email);
    expect(emails.map((e) => e.template)).toEqual(["confirm-signature"]);
    expect(await auditTrail(t.db, "signature", outcome.signatureId)).toMatchObject([{ actor: "signer", action: "sign", after_state: "unconfirmed" }]);
  });

  it("records the letter version the page showed, even after the text changed", async () => {
    const old = "# Stop running ICE recruitment ads on Spotify\n\nAn earlier wording.\n";
    const { readLetterFile, CURRENT_LETTER } = await import("../../../app/domain/letter/letter.server");
    await registerLetterVersion(t.db, CURRENT_LETTER.slug, old);
    const letter = await registerLetterVersion(t.db, CURRENT_LETTER.slug, await readLetterFile());
    const outcome = await submitSignature(t.db, letter, signInput(), letterSha256(old), freshContext());
    if (outcome.kind !== "created") throw new Error("expected a new signature");
    const row = await signatureById(outcome.signatureId);
    const seen = await t.db.selectFrom("letter_versions").select("sha256").where("id", "=", row.letter_version_id).executeTakeFirstOrThrow();
    expect(seen.sha256).toBe(letterSha256(old));

    // A version that is not this letter's (a tampered form) falls back to the one in force.
    const other = await submitSignature(t.db, letter, signInput(), "f".repeat(64), freshContext());
    if (other.kind !== "created") throw new Error("expected a new signature");
    expect((await signatureById(other.signatureId)).letter_version_id).toBe(currentVersionId);
  });

  it("keeps only a SHA-256 of the confirmation token and an HMAC of the code", async () => {
    const email = uniqueEmail();
    const outcome = await sign(t.db, { email });
    if (outcome.kind !== "created") throw new Error("expected a new signature");
    const { props } = (await lastEmailTo(t.db, email))!;
    const tokens = await t.db.selectFrom("signature_tokens").selectAll().where("signature_id", "=", outcome.signatureId).execute();
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.token_hash).toBe(sha256(props.token!));
    expect(tokens[0]!.code_hash).toBe(codeDigest(props.code!));
    expect(JSON.stringify(tokens)).not.toContain(props.token!);
    expect(props.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const days = (tokens[0]!.expires_at.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
  });

  it("stores the client IP only as a keyed hash", async () => {
    const outcome = await sign(t.db, {}, { ip: "203.0.113.77", ipHashSecret: TEST_IP_SECRET });
    if (outcome.kind !== "created") throw new Error("expected a new signature");
    const row = await signatureById(outcome.signatureId);
    expect(row.ip_hash).toBe(hashIp(TEST_IP_SECRET, "203.0.113.77"));
    const everything = await sql<{ j: string }>`select row_to_json(s)::text as j from signatures s where id = ${outcome.signatureId}`.execute(t.db);
    expect(everything.rows[0]!.j).not.toContain("203.0.113.77");
  });

  it("stores nothing and sends nothing when the honeypot is filled", async () => {
    const email = uniqueEmail("bot");
    expect(await sign(t.db, { email, website: "http://spam.example" })).toEqual({ kind: "honeypot" });
    expect(await countFor(email)).toBe(0);
    expect(await emailsTo(t.db, email)).toHaveLength(0);
  });
});

describe("one signature per address", () => {
  it("treats case, Gmail dots and +tags as the same address", async () => {
    const local = `same.person.${Date.now().toString(36)}`;
    const first = await sign(t.db, { email: `${local}@gmail.com` });
    const again = await sign(t.db, { email: `${local.replace(/\./g, "").toUpperCase()}+letters@googlemail.com` });
    expect(first.kind).toBe("created");
    expect(again).toMatchObject({ kind: "existing", signatureId: (first as { signatureId: string }).signatureId });
  });

  it("sends nothing more for a double click, and one notice per later attempt, five at most, ever", async () => {
    const email = uniqueEmail();
    const first = await sign(t.db, { email });
    if (first.kind !== "created") throw new Error("expected a new signature");
    expect(await sign(t.db, { email })).toMatchObject({ kind: "existing", notified: false });
    expect(await emailsTo(t.db, email)).toHaveLength(1);

    // Later (past the double-click window), still unconfirmed: a fresh confirmation is sent.
    await t.db
      .updateTable("signatures")
      .set({ created_at: sql<Date>`now() - make_interval(secs => ${DOUBLE_SUBMIT_WINDOW_MS / 1000 + 60})` })
      .where("id", "=", first.signatureId)
      .execute();
    for (let i = 0; i < MAX_NOTICES + 2; i++) await sign(t.db, { email, displayName: "Someone Else" });
    const emails = await emailsTo(t.db, email);
    expect(emails.map((e) => e.template)).toEqual(["confirm-signature", ...Array(MAX_NOTICES).fill("confirm-signature")]);
    expect((await signatureById(first.signatureId)).notices_sent).toBe(MAX_NOTICES);
    // The other submissions changed nothing of the signature.
    expect((await signatureById(first.signatureId)).display_name).toBe("The Weather Station");
  });

  it("tells the owner of a confirmed signature, with a manage link, never the visitor", async () => {
    const email = uniqueEmail();
    const first = await sign(t.db, { email });
    if (first.kind !== "created") throw new Error("expected a new signature");
    await t.db.updateTable("signatures").set({ state: "pending" }).where("id", "=", first.signatureId).execute();
    expect(await sign(t.db, { email })).toMatchObject({ kind: "existing", notified: true });
    const last = await lastEmailTo(t.db, email);
    expect(last?.template).toBe("signed-again");
    expect(last?.props.manageToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("keeps one row and sends one email when the same address is submitted at the same time", async () => {
    const email = uniqueEmail("race");
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => sign(t.db, { email })));
    expect(outcomes.filter((o) => o.kind === "created")).toHaveLength(1);
    expect(await countFor(email)).toBe(1);
    expect(await emailsTo(t.db, email)).toHaveLength(1);
  });
});

describe("rate limits", () => {
  it("quarantines silently past the burst limit of one IP, and sends no email", async () => {
    const ctx = freshContext("192.0.2.200");
    const outcomes = [];
    for (let i = 0; i < SIGNING_LIMITS.ipBurst.max + 2; i++) outcomes.push(await sign(t.db, {}, ctx));
    const states = outcomes.map((o) => (o.kind === "created" ? o.state : o.kind));
    expect(states.slice(0, SIGNING_LIMITS.ipBurst.max)).toEqual(Array(SIGNING_LIMITS.ipBurst.max).fill("unconfirmed"));
    expect(states.slice(SIGNING_LIMITS.ipBurst.max)).toEqual(["quarantined", "quarantined"]);
    const quarantined = outcomes.at(-1) as { signatureId: string };
    const row = await signatureById(quarantined.signatureId);
    expect(row.quarantine_reason).toBe("rate limit: ip");
    expect(await emailsTo(t.db, row.email!)).toHaveLength(0);
  });

  it("quarantines past the hourly limit of one IP, even when each minute stays under the burst limit", async () => {
    const ip = "192.0.2.201";
    const key = `sign:ip-hour:${hashIp(TEST_IP_SECRET, ip)}`;
    // As if the IP had sent the hourly maximum over the past minutes.
    await sql`
      insert into rate_limit_counters (key, window_start, hits)
      values (${key}, to_timestamp(floor(extract(epoch from now()) / 3600) * 3600), ${SIGNING_LIMITS.ipSustained.max})`.execute(t.db);
    const outcome = await sign(t.db, {}, { ip, ipHashSecret: TEST_IP_SECRET });
    expect(outcome).toMatchObject({ kind: "created", state: "quarantined" });
    const row = await signatureById((outcome as { signatureId: string }).signatureId);
    expect(row.quarantine_reason).toBe("rate limit: ip-hour");
  });

  it("quarantines past the limit of one organisation's domain, but not of a free mailbox provider", async () => {
    const domain = `label-${Date.now().toString(36)}.example`;
    let last;
    for (let i = 0; i <= SIGNING_LIMITS.domain.max; i++) last = await sign(t.db, { email: `artist${i}@${domain}` });
    expect(last).toMatchObject({ kind: "created", state: "quarantined" });

    let gmail;
    for (let i = 0; i <= SIGNING_LIMITS.domain.max; i++) gmail = await sign(t.db, { email: `fan${i}.${Date.now().toString(36)}@gmail.com` });
    expect(gmail).toMatchObject({ kind: "created", state: "unconfirmed" });
  });

  it("counts attempts per address, whatever IP they come from", async () => {
    // The existing-address path never creates a row; the limit shows on a withdrawn-and-resubmitted address.
    const email = uniqueEmail("again");
    const key = `sign:email:${sha256(email.toLowerCase())}`;
    for (let i = 0; i < SIGNING_LIMITS.email.max + 1; i++) await sign(t.db, { email });
    const counter = await t.db.selectFrom("rate_limit_counters").select("hits").where("key", "=", key).executeTakeFirstOrThrow();
    expect(counter.hits).toBe(SIGNING_LIMITS.email.max + 1);
    await t.db.updateTable("signatures").set({ email_normalized: null }).where("email", "=", email).execute();
    expect(await sign(t.db, { email })).toMatchObject({ kind: "created", state: "quarantined" });
  });
});

describe("rate-limit housekeeping", () => {
  it("prunes windows that ended more than two days ago and keeps the rest", async () => {
    const { pruneRateLimits } = await import("../../../app/domain/abuse/rate-limit.server");
    await t.db
      .insertInto("rate_limit_counters")
      .values([
        { key: "test:old", window_start: new Date(Date.now() - 3 * 86_400_000), hits: 9 },
        { key: "test:new", window_start: new Date(), hits: 1 },
      ])
      .execute();
    expect(await pruneRateLimits(t.db)).toBeGreaterThanOrEqual(1);
    const keys = (await t.db.selectFrom("rate_limit_counters").select("key").where("key", "like", "test:%").execute()).map((r) => r.key);
    expect(keys).toEqual(["test:new"]);
  });
});
