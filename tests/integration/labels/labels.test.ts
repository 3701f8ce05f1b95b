import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide } from "../../../app/domain/moderation/decide.server";
import { sendRosterReminders } from "../../../app/domain/labels/roster.server";
import { refreshRollup } from "../../../app/domain/public-list/rollup.server";
import { setupTestDatabase } from "../../support/db";
import { labelWithRep } from "../../support/labels";
import { startTestServer, type TestServer } from "../../support/server";
import { currentLetter, emailsTo, lastEmailTo, registerCurrentLetter, sign } from "../../support/signatures";
import { userWithSession } from "../../support/auth";
import { startSession } from "../../../app/utils/session.server";
import { parseEnv } from "../../../app/utils/env.server";
import type { AppLoadContext } from "@remix-run/node";

const t = setupTestDatabase();
let server: TestServer;
/** TXT records the injected resolver answers with, per domain. */
const txt = new Map<string, string[][]>();
let moderatorId: string;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  server = await startTestServer(
    t.database,
    { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback" },
    {
      resolveTxt: async (domain) => {
        const records = txt.get(domain);
        if (!records) throw Object.assign(new Error("no data"), { code: "ENODATA" });
        return records;
      },
    },
  );
  moderatorId = (await userWithSession(t.db, "moderator")).id;
});
afterAll(async () => {
  await server?.close();
});

let client = 0;
function post(path: string, fields: Record<string, string> | FormData, cookie?: string) {
  const ip = `198.19.${Math.floor(++client / 250)}.${(client % 250) + 1}`;
  const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
  return fetch(`${server.url}${path}`, { method: "POST", body, headers: { "x-forwarded-for": ip, ...(cookie ? { cookie } : {}) }, redirect: "manual" });
}
const get = (path: string, cookie?: string) => fetch(`${server.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: "manual" });

const cookieOf = (res: Response) => res.headers.get("set-cookie")!.split(";", 1)[0]!;

async function sessionFor(userId: string) {
  const context = { db: t.db, env: parseEnv({ APP_ENV: "test", APP_URL: "http://letters.test" }) } as unknown as AppLoadContext;
  return (await startSession(context, userId)).split(";", 1)[0]!;
}

async function join(fields: { labelName: string; website: string; repName: string; email: string }) {
  const res = await post("/labels/join", fields);
  return { res, html: await res.text() };
}

async function rosterOf(labelId: string) {
  return t.db.selectFrom("signatures").selectAll().where("label_id", "=", labelId).where("kind", "=", "roster").orderBy("id").execute();
}

async function approve(id: string) {
  const row = await t.db.selectFrom("signatures").select("state").where("id", "=", id).executeTakeFirstOrThrow();
  expect(await decide(t.db, { signatureId: id, decision: "approve", expectedState: row.state, actorId: moderatorId })).toMatchObject({ status: "done" });
}

async function publicList(query = "") {
  const letter = await currentLetter(t.db);
  await refreshRollup(t.db, letter.letterId);
  const res = await get(`/api/v1/signatures?limit=200${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { name: string; kind: string; label: string | null; badges: string[] }[] }).data;
}

describe("joining as a label", () => {
  it("refuses a free mailbox, a mismatched domain and a public suffix next to the field, and writes nothing", async () => {
    const before = (await t.db.selectFrom("label_joins").select("id").execute()).length;
    const free = await join({ labelName: "Free Label", website: "https://freelabel.com", repName: "Ana", email: "ana@gmail.com" });
    expect(free.res.status).toBe(400);
    expect(free.html).toMatch(/free/i);
    const mismatch = await join({ labelName: "Mismatch", website: "https://label-one.com", repName: "Ana", email: "ana@label-two.com" });
    expect(mismatch.res.status).toBe(400);
    expect(mismatch.html).toContain("label-one.com");
    const suffix = await join({ labelName: "Suffix", website: "https://co.uk", repName: "Ana", email: "ana@co.uk" });
    expect(suffix.res.status).toBe(400);
    const notUrl = await join({ labelName: "Not a URL", website: "not a website", repName: "Ana", email: "ana@x.com" });
    expect(notUrl.res.status).toBe(400);
    expect((await t.db.selectFrom("label_joins").select("id").execute()).length).toBe(before);
    expect(await t.db.selectFrom("labels").select("id").where("name", "in", ["Free Label", "Mismatch", "Suffix"]).execute()).toEqual([]);
  });

  it("confirms by the emailed link: the label is domain-confirmed, the rep signed in; a second rep joins the same label by code", async () => {
    const { res } = await join({ labelName: "Sub Pop", website: "https://www.subpop.com/artists", repName: "Megan Jasper", email: "megan@subpop.com" });
    expect(res.status).toBe(200);
    const email = await lastEmailTo(t.db, "megan@subpop.com");
    expect(email?.template).toBe("label-join");
    const token = email!.props.token!;

    // A mail scanner's GET changes nothing.
    const shown = await get(`/labels/confirm/${token}`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain("subpop.com");
    expect(await t.db.selectFrom("labels").select("id").where("domain", "=", "subpop.com").execute()).toEqual([]);

    const confirmed = await post(`/labels/confirm/${token}`, { intent: "confirm" });
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.get("location")).toBe("/label");
    const label = await t.db.selectFrom("labels").selectAll().where("domain", "=", "subpop.com").executeTakeFirstOrThrow();
    expect(label.name).toBe("Sub Pop");
    expect(label.domain_verified_at).not.toBeNull();
    const rep = await t.db.selectFrom("users").selectAll().where("email", "=", "megan@subpop.com").executeTakeFirstOrThrow();
    expect(rep).toMatchObject({ role: "label_rep", label_id: label.id, name: "Megan Jasper" });
    const dashboard = await get("/label", cookieOf(confirmed));
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain("Sub Pop");
    // The link works once; a repeat says joined and makes nothing new.
    expect((await post(`/labels/confirm/${token}`, { intent: "confirm" })).status).toBe(200);
    expect((await t.db.selectFrom("users").select("id").where("label_id", "=", label.id).execute()).length).toBe(1);

    // A second rep at a subdomain address, confirming with the code.
    await join({ labelName: "Sub Pop Records (typo)", website: "subpop.com", repName: "Jonathan Poneman", email: "jp@mail.subpop.com" });
    const code = (await lastEmailTo(t.db, "jp@mail.subpop.com"))!.props.code!;
    const wrong = await post("/labels/confirm", { intent: "find", email: "jp@mail.subpop.com", code: "ZZZZZZZZ" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("does not match");
    const found = await post("/labels/confirm", { intent: "find", email: "jp@mail.subpop.com", code });
    expect(await found.text()).toContain("joined already");
    const second = await post("/labels/confirm", { intent: "confirm", email: "jp@mail.subpop.com", code });
    expect(second.status).toBe(302);
    const reps = await t.db.selectFrom("users").select(["email", "label_id"]).where("label_id", "=", label.id).orderBy("id").execute();
    expect(reps.map((r) => r.email)).toEqual(["megan@subpop.com", "jp@mail.subpop.com"]);
    // One label per domain: the typo'd name did not make a second one.
    expect((await t.db.selectFrom("labels").select("id").where("domain", "=", "subpop.com").execute()).length).toBe(1);
  });

  it("records the DNS proof only when the TXT record is there (an injected resolver)", async () => {
    const rep = await labelWithRep(t.db, { domain: "dnslabel.test" });
    const cookie = await sessionFor(rep.userId);
    const missing = await post("/label", { intent: "check_dns" }, cookie);
    expect(await missing.text()).toContain("not found yet");
    const label = await t.db.selectFrom("labels").select(["dns_token", "dns_verified_at"]).where("id", "=", rep.labelId).executeTakeFirstOrThrow();
    expect(label.dns_verified_at).toBeNull();
    txt.set("dnslabel.test", [["v=spf1 -all"], ["countersign-verification=", label.dns_token!]]);
    const found = await post("/label", { intent: "check_dns" }, cookie);
    expect(await found.text()).toContain("DNS confirmed");
    const after = await t.db.selectFrom("labels").select("dns_verified_at").where("id", "=", rep.labelId).executeTakeFirstOrThrow();
    expect(after.dns_verified_at).not.toBeNull();
  });
});

describe("a label's roster", () => {
  it("previews a pasted CSV row by row, saves nothing while any row is wrong, then saves all at once", async () => {
    const rep = await labelWithRep(t.db);
    const cookie = await sessionFor(rep.userId);
    const bad = [
      "name,role,country,email",
      "Good Artist,musician,FR,good@artist.test",
      "=cmd,musician,FR,",
      `Own Address,musician,FR,${rep.email}`,
      "Good Artist,dj,DE,",
    ].join("\n");
    const preview = await post("/label", { intent: "preview", csv: bad }, cookie);
    expect(preview.status).toBe(400);
    const html = await preview.text();
    expect(html).toContain("spreadsheet formulas");
    expect(html).toContain("your own address");
    expect(html).toContain("Same name as line");
    const forcedSave = await post("/label", { intent: "save", csv: bad }, cookie);
    expect(forcedSave.status).toBe(400);
    expect(await rosterOf(rep.labelId)).toEqual([]);

    const good = '\uFEFFname;role;country;link;email\r\nAlpha Artist;Musician;France;;alpha@artist.test\r\n"Beta, the Band";dj;DE;https://beta.example;\r\n';
    const checked = await post("/label", { intent: "preview", csv: good }, cookie);
    expect(checked.status).toBe(200);
    expect(await checked.text()).toContain("Save 2 artists");
    expect(await rosterOf(rep.labelId)).toEqual([]);
    const saved = await post("/label", { intent: "save", csv: good }, cookie);
    expect(saved.status).toBe(200);
    const roster = await rosterOf(rep.labelId);
    expect(roster.map((r) => [r.display_name, r.state, r.role, r.country])).toEqual([
      ["Alpha Artist", "pending", "musician", "FR"],
      ["Beta, the Band", "pending", "dj", "DE"],
    ]);
    // The artist with an address is told; the one without is not (there is no one to tell).
    expect((await lastEmailTo(t.db, "alpha@artist.test"))?.template).toBe("roster-notice");
    // The same names again: refused, nothing written.
    const again = await post("/label", { intent: "preview", csv: good }, cookie);
    expect(await again.text()).toContain("Already on the list from your label");
    expect((await rosterOf(rep.labelId)).length).toBe(2);
  });

  it("refuses an uploaded file that is too large, has too many rows or is binary, with the reason", async () => {
    const rep = await labelWithRep(t.db);
    const cookie = await sessionFor(rep.userId);
    const upload = async (bytes: Uint8Array<ArrayBuffer> | string) => {
      const form = new FormData();
      form.set("intent", "preview");
      form.set("file", new Blob([bytes]), "roster.csv");
      const res = await post("/label", form, cookie);
      return { status: res.status, html: await res.text() };
    };
    const big = await upload("name,role,country\n" + "x".repeat(2 * 1024 * 1024));
    expect(big.status).toBe(400);
    expect(big.html).toMatch(/1 MB|1,000,000|larger/);
    const rows = ["name,role,country", ...Array.from({ length: 1001 }, (_, i) => `Artist ${i},musician,FR`)].join("\n");
    const many = await upload(rows);
    expect(many.status).toBe(400);
    expect(many.html).toContain("1,001");
    const png = await upload(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    expect(png.status).toBe(400);
    expect(await rosterOf(rep.labelId)).toEqual([]);
    // 1,000 rows is the limit, and they check fine.
    const thousand = await upload(["name,role,country", ...Array.from({ length: 1000 }, (_, i) => `Artist ${i},musician,FR`)].join("\n"));
    expect(thousand.status).toBe(200);
    expect(thousand.html).toContain("Save 1000 artists");
  });

  it("lets the artist confirm or withdraw; a withdrawal tells the label and takes the name off the list", async () => {
    const rep = await labelWithRep(t.db);
    const cookie = await sessionFor(rep.userId);
    const csv = "name,role,country,email\nConfirming Artist,musician,FR,yes@artist.test\nWithdrawing Artist,musician,FR,no@artist.test\nSilent Artist,dj,ES,";
    expect((await post("/label", { intent: "save", csv }, cookie)).status).toBe(200);
    const [confirming, withdrawing, silent] = await rosterOf(rep.labelId);
    for (const entry of [confirming!, withdrawing!, silent!]) await approve(entry.id);

    const yes = (await lastEmailTo(t.db, "yes@artist.test"))!.props.token!;
    expect((await get(`/roster/${yes}`)).status).toBe(200);
    const confirmed = await post(`/roster/${yes}`, { intent: "confirm" });
    // Post, then redirect to the link's own page, which shows the answer.
    expect([confirmed.status, confirmed.headers.get("location")]).toEqual([303, `/roster/${yes}`]);
    expect(await (await get(`/roster/${yes}`)).text()).toContain("Confirmed: the entry says it was confirmed by the artist");
    const no = (await lastEmailTo(t.db, "no@artist.test"))!.props.token!;
    // The answer leads to the withdrawn page; the link is gone from now on (410).
    const withdrawn = await post(`/roster/${no}`, { intent: "withdraw" });
    expect(withdrawn.status).toBe(303);
    const page = await get(`/roster/${no}`);
    expect(page.status).toBe(410);
    expect(await page.text()).toContain("off every public list");

    const after = await rosterOf(rep.labelId);
    expect(after[0]!.confirmed_at).not.toBeNull();
    expect(after[1]).toMatchObject({ state: "withdrawn", artist_email: null, artist_email_normalized: null });
    expect((await emailsTo(t.db, rep.email)).map((e) => e.template)).toContain("roster-withdrawn");
    // The link of a withdrawn entry says so and does nothing more.
    expect((await get(`/roster/${no}`)).status).toBe(410);

    const list = await publicList(`&label=${rep.labelId}`);
    const byName = Object.fromEntries(list.map((s) => [s.name, s]));
    expect(byName["Confirming Artist"]).toMatchObject({ kind: "roster", label: rep.labelName, badges: ["via_label", "artist_confirmed"] });
    expect(byName["Silent Artist"]).toMatchObject({ kind: "roster", badges: ["via_label", "artist_not_confirmed"] });
    expect(byName["Withdrawing Artist"]).toBeUndefined();
  });

  it("signs for the label once, pending a moderator, shown with the domain mark once approved", async () => {
    const rep = await labelWithRep(t.db, { name: "Matador Records" });
    const cookie = await sessionFor(rep.userId);
    const missing = await post("/label", { intent: "sign", labelCountry: "US" }, cookie);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Confirm that you may sign");
    expect((await post("/label", { intent: "sign", labelCountry: "US", statement: "We stand with our artists.", attest: "on" }, cookie)).status).toBe(200);
    expect((await post("/label", { intent: "sign", labelCountry: "US", attest: "on" }, cookie)).status).toBe(409);
    const signature = await t.db.selectFrom("signatures").selectAll().where("label_id", "=", rep.labelId).where("kind", "=", "label").executeTakeFirstOrThrow();
    expect(signature).toMatchObject({ state: "pending", display_name: "Matador Records", comment: "We stand with our artists." });
    await approve(signature.id);
    const list = await publicList(`&label=${rep.labelId}`);
    expect(list).toEqual([expect.objectContaining({ name: "Matador Records", kind: "label", badges: ["label_domain_confirmed"] })]);
  });

  it("shows an artist who also signed themselves once, as their own signature, noting the label, only after the artist confirmed the entry", async () => {
    const rep = await labelWithRep(t.db, { name: "Merge Records" });
    const cookie = await sessionFor(rep.userId);
    const own = await sign(t.db, { displayName: "Self Signer", email: "self@artist.test" });
    if (own.kind !== "created") throw new Error("expected a signature");
    await t.db.transaction().execute(async (trx) => {
      const { transition } = await import("../../../app/domain/signatures/lifecycle.server");
      await transition(trx, own.signatureId, "confirm", "signer");
    });
    await approve(own.signatureId);
    // A label's claim alone never touches the artist's own signature: it is a separate, pending entry, and the artist is told.
    expect(
      (await post("/label", { intent: "add", displayName: "Self Signer", role: "musician", country: "US", artistEmail: "self@artist.test" }, cookie)).status,
    ).toBe(200);
    const [entry] = await rosterOf(rep.labelId);
    expect(entry).toMatchObject({ state: "pending", merged_into: null });
    expect((await t.db.selectFrom("signatures").select("label_id").where("id", "=", own.signatureId).executeTakeFirstOrThrow()).label_id).toBeNull();
    expect(await (await get("/label", cookie)).text()).not.toContain("Shown as the artist");
    // The artist confirms from the email: now they are shown once, as their own signature, with the label noted.
    const token = (await lastEmailTo(t.db, "self@artist.test"))!.props.token!;
    expect((await post(`/roster/${token}`, { intent: "confirm" })).status).toBe(303);
    const after = await t.db.selectFrom("signatures").select(["state", "merged_into"]).where("id", "=", entry!.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ state: "withdrawn", merged_into: own.signatureId });
    const list = await publicList(`&label=${rep.labelId}`);
    expect(list).toEqual([expect.objectContaining({ name: "Self Signer", kind: "artist", label: "Merge Records", badges: ["email_confirmed", "via_label"] })]);
  });

  it("merges when the artist confirmed the entry first and their own signature is approved later", async () => {
    const rep = await labelWithRep(t.db);
    const cookie = await sessionFor(rep.userId);
    await post("/label", { intent: "add", displayName: "Late Signer", role: "dj", country: "NL", artistEmail: "late@artist.test" }, cookie);
    const [entry] = await rosterOf(rep.labelId);
    const token = (await lastEmailTo(t.db, "late@artist.test"))!.props.token!;
    await post(`/roster/${token}`, { intent: "confirm" });
    const own = await sign(t.db, { displayName: "Late Signer", email: "late@artist.test" });
    if (own.kind !== "created") throw new Error("expected a signature");
    await t.db.transaction().execute(async (trx) => {
      const { transition } = await import("../../../app/domain/signatures/lifecycle.server");
      await transition(trx, own.signatureId, "confirm", "signer");
    });
    await approve(own.signatureId);
    expect((await t.db.selectFrom("signatures").select("merged_into").where("id", "=", entry!.id).executeTakeFirstOrThrow()).merged_into).toBe(own.signatureId);
    expect((await t.db.selectFrom("signatures").select("label_id").where("id", "=", own.signatureId).executeTakeFirstOrThrow()).label_id).toBe(rep.labelId);
  });

  it("refuses an artist address at the label's own domain, and a name whose artist withdrew from the label", async () => {
    const rep = await labelWithRep(t.db, { domain: "ownmail-label.test" });
    const cookie = await sessionFor(rep.userId);
    const own = await post(
      "/label",
      { intent: "add", displayName: "Fake Confirmer", role: "musician", country: "FR", artistEmail: "artist@mail.ownmail-label.test" },
      cookie,
    );
    expect(own.status).toBe(400);
    expect(await own.text()).toContain("not one at your label");
    await post("/label", { intent: "add", displayName: "Leaver", role: "musician", country: "FR", artistEmail: "leaver@artist.test" }, cookie);
    const token = (await lastEmailTo(t.db, "leaver@artist.test"))!.props.token!;
    await post(`/roster/${token}`, { intent: "withdraw" });
    const again = await post("/label", { intent: "add", displayName: "Leaver", role: "musician", country: "FR" }, cookie);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("withdrew from your label");
    const preview = await post("/label", { intent: "preview", csv: "name,role,country\nLeaver,musician,FR" }, cookie);
    expect(await preview.text()).toContain("withdrew from your label");
    expect((await rosterOf(rep.labelId)).filter((r) => r.state !== "withdrawn")).toEqual([]);
  });

  it("reminds an artist who has not answered once, after 7 days, and never again", async () => {
    const rep = await labelWithRep(t.db);
    const cookie = await sessionFor(rep.userId);
    await post("/label", { intent: "add", displayName: "Slow Answerer", role: "musician", country: "IT", artistEmail: "slow@artist.test" }, cookie);
    const [entry] = await rosterOf(rep.labelId);
    const now = new Date();
    expect(await sendRosterReminders(t.db, now)).toBe(0);
    const later = new Date(now.getTime() + 8 * 24 * 3600 * 1000);
    expect(await sendRosterReminders(t.db, later)).toBeGreaterThanOrEqual(1);
    const emails = await emailsTo(t.db, "slow@artist.test");
    expect(emails.map((e) => (e.props as { reminder: boolean }).reminder)).toEqual([false, true]);
    expect(await sendRosterReminders(t.db, later)).toBe(0);
    expect((await emailsTo(t.db, "slow@artist.test")).length).toBe(2);
    // The first email's link still works beside the reminder's.
    const first = (emails[0]!.props as { token: string }).token;
    expect((await get(`/roster/${first}`)).status).toBe(200);
    expect((await t.db.selectFrom("signatures").select("reminded_at").where("id", "=", entry!.id).executeTakeFirstOrThrow()).reminded_at).not.toBeNull();
  });
});

describe("isolation between labels", () => {
  it("never lets a rep see or change another label's entries", async () => {
    const mine = await labelWithRep(t.db, { name: "Mine Records" });
    const theirs = await labelWithRep(t.db, { name: "Theirs Records" });
    const myCookie = await sessionFor(mine.userId);
    const theirCookie = await sessionFor(theirs.userId);
    await post("/label", { intent: "add", displayName: "Their Artist", role: "musician", country: "GB" }, theirCookie);
    await post("/label", { intent: "sign", labelCountry: "GB", attest: "on" }, theirCookie);
    const theirEntries = await t.db.selectFrom("signatures").select(["id", "state"]).where("label_id", "=", theirs.labelId).execute();
    expect(theirEntries.length).toBe(2);
    for (const entry of theirEntries) {
      const res = await post("/label", { intent: "remove", id: entry.id }, myCookie);
      expect(res.status).toBe(404);
    }
    const page = await (await get("/label", myCookie)).text();
    expect(page).not.toContain("Their Artist");
    expect(page).not.toContain("Theirs Records");
    expect((await t.db.selectFrom("signatures").select(["id", "state"]).where("label_id", "=", theirs.labelId).execute()).map((e) => e.state)).toEqual([
      "pending",
      "pending",
    ]);
    // Their own rep can remove them.
    expect((await post("/label", { intent: "remove", id: theirEntries[0]!.id }, theirCookie)).status).toBe(200);
  });

  it("keeps /label from anyone who is not a rep, and /admin from reps", async () => {
    expect((await get("/label")).status).toBe(302);
    const mod = await userWithSession(t.db, "moderator");
    expect((await get("/label", mod.cookie)).status).toBe(403);
    expect((await post("/label", { intent: "check_dns" }, mod.cookie)).status).toBe(403);
    const rep = await labelWithRep(t.db);
    const cookie = await sessionFor(rep.userId);
    expect((await get("/admin/labels", cookie)).status).toBe(403);
    expect((await get("/admin", cookie)).status).toBe(403);
  });
});

describe("moderators and labels", () => {
  it("rename a label (its signature goes back to moderation), merge two labels and remove a rep", async () => {
    const a = await labelWithRep(t.db, { name: "Dup Label A" });
    const b = await labelWithRep(t.db, { name: "Dup Label B" });
    const cookie = (await userWithSession(t.db, "moderator")).cookie;
    const headers = { cookie, origin: server.url };
    const adminPost = (fields: Record<string, string>) =>
      fetch(`${server.url}/admin/labels`, { method: "POST", body: new URLSearchParams(fields), headers, redirect: "manual" });
    await post("/label", { intent: "add", displayName: "Shared Artist", role: "musician", country: "FR" }, await sessionFor(a.userId));
    await post("/label", { intent: "add", displayName: "Shared Artist", role: "musician", country: "FR" }, await sessionFor(b.userId));
    await post("/label", { intent: "add", displayName: "Only A", role: "dj", country: "FR" }, await sessionFor(a.userId));
    expect((await adminPost({ intent: "merge", labelId: a.labelId, intoId: b.labelId })).status).toBe(200);
    const moved = await t.db
      .selectFrom("signatures")
      .select(["display_name", "state", "label_id"])
      .where("label_id", "in", [a.labelId, b.labelId])
      .orderBy("id")
      .execute();
    expect(moved).toEqual([
      { display_name: "Shared Artist", state: "withdrawn", label_id: b.labelId },
      { display_name: "Shared Artist", state: "pending", label_id: b.labelId },
      { display_name: "Only A", state: "pending", label_id: b.labelId },
    ]);
    expect((await t.db.selectFrom("users").select("label_id").where("id", "=", a.userId).executeTakeFirstOrThrow()).label_id).toBe(b.labelId);

    expect((await adminPost({ intent: "rename", labelId: b.labelId, name: "=bad" })).status).toBe(400);
    expect((await adminPost({ intent: "rename", labelId: b.labelId, name: "Dup Label United" })).status).toBe(200);
    expect((await t.db.selectFrom("labels").select("name").where("id", "=", b.labelId).executeTakeFirstOrThrow()).name).toBe("Dup Label United");

    expect((await adminPost({ intent: "remove_rep", userId: a.userId })).status).toBe(200);
    expect((await get("/label", await sessionFor(a.userId))).status).toBe(302);
    // Joining again with the removed address does not undo the removal.
    await t.db.updateTable("users").set({ email: "removed.rep@duplabel-rejoin.com" }).where("id", "=", a.userId).execute();
    await join({ labelName: "Dup Label A", website: "https://duplabel-rejoin.com", repName: "Removed Rep", email: "removed.rep@duplabel-rejoin.com" });
    const rejoin = (await lastEmailTo(t.db, "removed.rep@duplabel-rejoin.com"))!.props.token!;
    expect((await post(`/labels/confirm/${rejoin}`, { intent: "confirm" })).status).toBe(403);
    expect((await t.db.selectFrom("users").select("disabled_at").where("id", "=", a.userId).executeTakeFirstOrThrow()).disabled_at).not.toBeNull();
    expect((await adminPost({ intent: "remove_rep", userId: moderatorId })).status).toBe(400);
  });
});
