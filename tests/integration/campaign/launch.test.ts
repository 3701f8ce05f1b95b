import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchIfDue, loadCampaign, revokeLink, switchCampaign } from "../../../app/domain/campaign/campaign.server";
import type { CampaignState } from "../../../app/domain/campaign/states";
import { registerLetterVersion } from "../../../app/domain/letter/letter.server";
import { refreshRollup } from "../../../app/domain/public-list/rollup.server";
import { userWithSession } from "../../support/auth";
import { setupTestDatabase } from "../../support/db";
import { campaignClient, campaignLink, expectNothingOfTheList, setCampaignState, signForm } from "../../support/campaign";
import { seedSignatures } from "../../support/public-list";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter, uniqueEmail } from "../../support/signatures";

// The letter's launch states (decision 017), over HTTP against the real app: what a visitor with
// no link, an invitation or a press preview sees and may do in each state, and the admins' page.

const t = setupTestDatabase();
let server: TestServer;
let letterId: number;
let letterTitle: string;
let admin: { id: string; cookie: string };
const APPROVED = "Ottoline Brackwater";

beforeAll(async () => {
  const letter = await registerCurrentLetter(t.db);
  letterId = letter.letterId;
  letterTitle = letter.title;
  await seedSignatures(t.db, letter, [{ name: APPROVED, country: "SE" }]);
  await refreshRollup(t.db, letterId);
  admin = await userWithSession(t.db, "admin");
  server = await startTestServer(t.database, { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback" });
});
afterAll(async () => {
  await server?.close();
});

const setState = (state: CampaignState) => setCampaignState(t.db, letterId, state);
beforeEach(async () => setState("public"));

let get: ReturnType<typeof campaignClient>["get"];
let post: ReturnType<typeof campaignClient>["post"];
let follow: ReturnType<typeof campaignClient>["follow"];
let outputs: ReturnType<typeof campaignClient>["outputs"];
beforeAll(() => ({ get, post, follow, outputs } = campaignClient(server.url)));

const rowsFor = (email: string) => t.db.selectFrom("signatures").select(["state", "invitation_id"]).where("email", "=", email).execute();
const link = (purpose: "invitation" | "preview", days = 7) => campaignLink(t.db, letterId, admin.id, purpose, days);
const hidden = (letterShown: boolean) => ({ names: [APPROVED], title: letterTitle, letterShown });

describe("collecting: signing by invitation only, a holding page for everyone else", () => {
  it("shows a visitor without a link a holding page and nothing of the letter, the list or its counts", async () => {
    await setState("collecting");
    const answers = await outputs();
    expectNothingOfTheList(answers, hidden(false));
    expect(answers.find((a) => a.path === "/")!.body).toContain("Nothing to read here yet");
    // The sign form is not on the page, and a post made by hand stores nothing.
    const email = uniqueEmail("uninvited");
    const refused = await post("/?index", signForm(email));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Until the letter is public, it can be signed only from an invitation link.");
    expect(await rowsFor(email)).toEqual([]);
    // Joining as a label is signing too.
    expect(await (await get("/labels/join")).text()).toContain("it can be signed only from an invitation link");
  });

  it("lets an invitation read and sign the letter (recorded with the invitation), but not see the list", async () => {
    await setState("collecting");
    const invitation = await link("invitation");
    const cookie = await follow("invite", invitation.token);
    const letterPage = await (await get("/", cookie)).text();
    expect(letterPage).toContain(letterTitle);
    expect(letterPage).toContain("Sign the letter");
    expect(letterPage).not.toContain(APPROVED);
    const email = uniqueEmail("invited");
    const signed = await post("/?index", signForm(email), cookie);
    expect([signed.status, signed.headers.get("location")]).toEqual([302, "/signed"]);
    expect(await rowsFor(email)).toEqual([{ state: "unconfirmed", invitation_id: invitation.id }]);
    // The invitation shows the letter, never the list.
    expectNothingOfTheList(await outputs(cookie), hidden(true));
    // The link was counted as opened; the admins' page says so, and the signature it brought.
    const row = await t.db.selectFrom("campaign_links").select(["uses"]).where("id", "=", invitation.id).executeTakeFirstOrThrow();
    expect(row.uses).toBe(1);
  });

  it("stops a revoked or expired invitation at once, and a preview link shows nothing before the embargo", async () => {
    await setState("collecting");
    const invitation = await link("invitation");
    const cookie = await follow("invite", invitation.token);
    expect(await revokeLink(t.db, letterId, invitation.id, `user:${admin.id}`)).toBe(true);
    const email = uniqueEmail("revoked");
    expect((await post("/?index", signForm(email), cookie)).status).toBe(403);
    expect(await rowsFor(email)).toEqual([]);
    expect(await (await get("/", cookie)).text()).toContain("Nothing to read here yet");
    const again = await get(`/invite/${invitation.token}`);
    expect(again.status).toBe(404);
    expect(again.headers.get("set-cookie")).toBeNull();

    const expired = await link("invitation");
    await t.db
      .updateTable("campaign_links")
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where("id", "=", expired.id)
      .execute();
    expect((await get(`/invite/${expired.token}`)).status).toBe(404);
    // A link of one kind does not open as the other, and a made-up one opens nothing.
    const preview = await link("preview");
    expect((await get(`/invite/${preview.token}`)).status).toBe(404);
    const wrongKind = await post(`/invite/${preview.token}`, {});
    expect([wrongKind.status, wrongKind.headers.get("set-cookie")]).toEqual([404, null]);
    expect((await t.db.selectFrom("campaign_links").select("uses").where("id", "=", preview.id).executeTakeFirstOrThrow()).uses).toBe(0);
    expect((await get(`/preview/${"x".repeat(43)}`)).status).toBe(404);
    expectNothingOfTheList(await outputs(await follow("preview", preview.token)), hidden(false));
  });
});

describe("embargoed: the press with a preview link sees everything, marked; nobody else sees anything", () => {
  it("shows nothing at all without a preview link", async () => {
    await setState("embargoed");
    expectNothingOfTheList(await outputs(), hidden(false));
  });

  it("shows a preview the list, the counts and the exports, each page marked with the embargo's end, none kept by a cache", async () => {
    await setState("embargoed");
    const cookie = await follow("preview", (await link("preview")).token);
    for (const a of await outputs(cookie)) {
      expect(a.status, a.path).toBe(200);
      expect(a.cache, a.path).toBe("private, no-store");
    }
    const list = await (await get("/signatures", cookie)).text();
    expect(list).toContain(APPROVED);
    const campaign = await loadCampaign(t.db, letterId);
    expect(list).toMatch(/Embargoed<\/strong> until <time dateTime="[^"]+">\d+ \w+ \d{4} at \d{2}:\d{2} (CET|CEST|GMT\+1|GMT\+2) \(Europe\/Madrid\)<\/time>/);
    expect(list).toContain(`dateTime="${campaign.publicAt!.toISOString()}"`);
    expect(await (await get("/signatures.csv", cookie)).text()).toContain(APPROVED);
    // Nothing for a chat app's link preview or a search engine to pick up from a preview's pages.
    for (const path of ["/", "/signatures", "/press"]) {
      const html = await (await get(path, cookie)).text();
      expect(html, path).toContain('name="robots" content="noindex"');
      expect(html, path).not.toContain("og:title");
      expect(html, path).not.toContain('name="description"');
    }
    // The press reads; it does not sign with a preview link.
    const email = uniqueEmail("press");
    expect((await post("/?index", signForm(email), cookie)).status).toBe(403);
    expect(await rowsFor(email)).toEqual([]);
  });

  it("goes public by itself at the scheduled time, recorded in the audit log as the system's", async () => {
    await setState("collecting");
    await switchCampaign(t.db, letterId, "embargo", `user:${admin.id}`, { publicAt: new Date(Date.now() + 1500), zone: "America/New_York" });
    expect((await get("/signatures")).status).toBe(302);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    // The first request after the time finds it public (the server's tick would do the same).
    const res = await get("/signatures");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(APPROVED);
    expect((await loadCampaign(t.db, letterId)).state).toBe("public");
    expect(await launchIfDue(t.db, letterId)).toBe(false);
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["actor", "action", "before_state", "after_state"])
      .where("subject_type", "=", "letter")
      .orderBy("id", "desc")
      .limit(2)
      .execute();
    expect(audit).toEqual([
      { actor: "system", action: "campaign_launch", before_state: "embargoed", after_state: "public" },
      { actor: `user:${admin.id}`, action: "campaign_embargo", before_state: "collecting", after_state: "embargoed" },
    ]);
  });
});

describe("label reps sign and list only as invited signers do", () => {
  it("refuses a rep's signature and roster before launch without a working invitation, and records the invitation with one", async () => {
    const rep = await userWithSession(t.db, "label_rep");
    await setState("collecting");
    const refused = await post("/label", { intent: "sign", labelCountry: "US", attest: "on" }, rep.cookie);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("it can be signed only from an invitation link");
    const listing = { intent: "add", displayName: "Roster Artist Early", role: "musician", country: "US" };
    expect((await post("/label", listing, rep.cookie)).status).toBe(403);
    const labelRows = () => t.db.selectFrom("signatures").select(["kind", "invitation_id"]).where("kind", "in", ["label", "roster"]).execute();
    expect(await labelRows()).toEqual([]);

    const invitation = await link("invitation");
    const both = `${rep.cookie}; ${await follow("invite", invitation.token)}`;
    expect((await post("/label", { intent: "sign", labelCountry: "US", attest: "on" }, both)).status).toBe(200);
    expect((await post("/label", listing, both)).status).toBe(200);
    expect(await labelRows()).toEqual(
      expect.arrayContaining([
        { kind: "label", invitation_id: invitation.id },
        { kind: "roster", invitation_id: invitation.id },
      ]),
    );
    // Revoked: the next listing is refused like any other signature.
    await revokeLink(t.db, letterId, invitation.id, `user:${admin.id}`);
    expect((await post("/label", { ...listing, displayName: "Roster Artist Late" }, both)).status).toBe(403);
  });
});

describe("closed: nothing new, everything published stays", () => {
  it("refuses new signatures with a message and keeps the list, the exports and the counts", async () => {
    await setState("closed");
    const page = await (await get("/")).text();
    expect(page).toContain("This letter is closed");
    expect(page).not.toContain("Sign the letter");
    const email = uniqueEmail("late");
    const refused = await post("/?index", signForm(email));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("This letter is closed: it no longer takes signatures.");
    expect(await rowsFor(email)).toEqual([]);
    for (const a of await outputs()) expect(a.status, a.path).toBe(200);
    expect(await (await get("/signatures.csv")).text()).toContain(APPROVED);
    expect(await (await get("/labels/join")).text()).toContain("This letter is closed");
  });
});

describe("the admins' campaign page", () => {
  const form = (body: Record<string, string>, cookie = admin.cookie) => post("/admin/campaign", body, cookie);

  it("is for admins only", async () => {
    const moderator = await userWithSession(t.db, "moderator");
    expect((await get("/admin/campaign", moderator.cookie)).status).toBe(403);
    expect((await form({ intent: "launch", expected: "public" }, moderator.cookie)).status).toBe(403);
    expect((await get("/admin/campaign")).status).toBe(302);
  });

  it("switches the state from the table, refuses a stale page, and audits every switch", async () => {
    await setState("collecting");
    const before = await t.db
      .selectFrom("audit_log")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("subject_type", "=", "letter")
      .executeTakeFirstOrThrow();
    expect((await form({ intent: "launch", expected: "collecting" })).status).toBe(200);
    expect((await loadCampaign(t.db, letterId)).state).toBe("public");
    // Another admin's page still says collecting.
    const stale = await form({ intent: "launch", expected: "collecting" });
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain("another admin switched it first");
    // Public cannot go back to collecting, nor embargo.
    expect((await form({ intent: "recall", expected: "public" })).status).toBe(400);
    expect((await form({ intent: "close", expected: "public" })).status).toBe(200);
    expect((await form({ intent: "reopen", expected: "closed" })).status).toBe(200);
    const after = await t.db
      .selectFrom("audit_log")
      .select(sql<number>`count(*)::int`.as("n"))
      .where("subject_type", "=", "letter")
      .executeTakeFirstOrThrow();
    expect(after.n - before.n).toBe(3);
    const page = (await (await get("/admin/campaign", admin.cookie)).text()).replaceAll("<!-- -->", "");
    expect(page).toContain("campaign_close (public → closed)");
  });

  it("calls off the launch with the embargo, and goes back to collecting only while nothing was published", async () => {
    await setState("collecting");
    await switchCampaign(t.db, letterId, "embargo", `user:${admin.id}`, { publicAt: new Date(Date.now() + 60_000), zone: "UTC" });
    expect((await form({ intent: "recall", expected: "embargoed" })).status).toBe(200);
    expect(await loadCampaign(t.db, letterId)).toMatchObject({ state: "collecting", publicAt: null, publicAtZone: null });
    await setState("public");
    // This letter has an approved name: it cannot be hidden again.
    const refused = await form({ intent: "prepare", expected: "public" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Names of this letter have been published already");
    expect((await loadCampaign(t.db, letterId)).state).toBe("public");
    // A letter with nothing published yet can be prepared in private.
    const fresh = await registerLetterVersion(t.db, "a-fresh-letter", "# A fresh letter\n\nNot yet public.\n");
    expect((await switchCampaign(t.db, fresh.letterId, "prepare", `user:${admin.id}`)).state).toBe("collecting");
  });

  it("schedules the launch in a time zone, and says what is wrong next to the field, changing nothing", async () => {
    await setState("collecting");
    const bad = [
      [{ publicAt: "2020-01-01T09:00", zone: "Europe/Madrid" }, "Choose a time in the future."],
      [{ publicAt: "2030-03-31T02:30", zone: "Europe/Madrid" }, "That time does not exist in this time zone"],
      [{ publicAt: "2030-01-01T09:00", zone: "Mars/Olympus" }, "Choose a time zone from the list"],
      [{ publicAt: "tomorrow", zone: "UTC" }, "Choose the date and time"],
    ] as const;
    for (const [fields, message] of bad) {
      const res = await form({ intent: "embargo", expected: "collecting", ...fields });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(message);
      expect(await loadCampaign(t.db, letterId)).toMatchObject({ state: "collecting", publicAt: null });
    }
    const res = await form({ intent: "embargo", expected: "collecting", publicAt: "2030-01-01T09:00", zone: "Europe/Madrid" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Embargoed until 1 January 2030 at 09:00 CET (Europe/Madrid)");
    expect(await loadCampaign(t.db, letterId)).toMatchObject({ state: "embargoed", publicAt: new Date("2030-01-01T08:00:00Z"), publicAtZone: "Europe/Madrid" });
  });

  it("makes links shown once, never stored or listed as tokens, and revokes them", async () => {
    const made = await form({ intent: "issue", purpose: "preview", note: "Reporter at a daily", days: "3" });
    const html = await made.text();
    const url = /value="(http:\/\/letters\.test\/preview\/[A-Za-z0-9_-]{43})"/.exec(html)?.[1];
    expect(url).toBeDefined();
    const token = url!.split("/").at(-1)!;
    const stored = await t.db.selectFrom("campaign_links").selectAll().where("note", "=", "Reporter at a daily").executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(token);
    const page = await (await get("/admin/campaign", admin.cookie)).text();
    expect(page).toContain("Reporter at a daily");
    expect(page).not.toContain(token);
    expect((await form({ intent: "issue", purpose: "preview", note: "", days: "3" })).status).toBe(400);
    const tooLong = await form({ intent: "issue", purpose: "invitation", note: "Someone", days: "400" });
    expect(await tooLong.text()).toContain("A link works for at most 90 days");
    expect((await form({ intent: "revoke", id: stored.id })).status).toBe(200);
    expect((await form({ intent: "revoke", id: stored.id })).status).toBe(409);
    // The token never reached the server's logs either.
    expect(JSON.stringify(server.logs)).not.toContain(token);
  });
});
