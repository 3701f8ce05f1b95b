import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCampaign } from "../../app/domain/campaign/campaign.server";
import { refreshRollup } from "../../app/domain/public-list/rollup.server";
import { userWithSession } from "../support/auth";
import { axeFindings, describeFindings, isBlocking, launchChromium, watchErrors } from "../support/browser";
import { setCampaignState } from "../support/campaign";
import { setupTestDatabase } from "../support/db";
import { seedSignatures } from "../support/public-list";
import { startTestServer, type TestServer } from "../support/server";
import { registerCurrentLetter, uniqueEmail } from "../support/signatures";

// A launch in Chromium (decision 017): an admin makes an invitation link while the letter is
// collecting; the public sees the holding page; the invited artist signs; the admin embargoes
// it and makes a press preview link, which shows the list under the embargo's banner; the admin
// launches it and everyone sees the letter.

const t = setupTestDatabase();
let server: TestServer;
let browser: Browser;
let letterId: number;
let adminCookie: string;
const LISTED = "Hesper Lindqvist";

beforeAll(async () => {
  const letter = await registerCurrentLetter(t.db);
  letterId = letter.letterId;
  await seedSignatures(t.db, letter, [{ name: LISTED, country: "SE" }]);
  await refreshRollup(t.db, letterId);
  adminCookie = (await userWithSession(t.db, "admin")).cookie;
  await setCampaignState(t.db, letterId, "collecting");
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function contextFor(cookie?: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  if (cookie) {
    const [name, value] = cookie.split("=") as [string, string];
    await context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: "Lax" }]);
  }
  return context;
}

async function expectAccessible(page: Page, what: string) {
  const blocking = (await axeFindings(page)).filter(isBlocking);
  expect(blocking, `${what}: ${describeFindings(blocking)}`).toEqual([]);
}

/** The admin makes a link on the campaign page and copies it from the box it is shown in once. */
async function makeLink(admin: Page, kind: string, note: string): Promise<string> {
  await admin.goto(`${server.url}/admin/campaign`);
  await admin.getByLabel("Kind").selectOption({ label: kind });
  await admin.getByLabel("Who it is for (only admins see this)").fill(note);
  await admin.getByRole("button", { name: "Make a link" }).click();
  const box = admin.getByLabel("The link");
  await box.waitFor();
  return new URL(await box.inputValue()).pathname;
}

describe("a launch, in Chromium", () => {
  it("collects by invitation, previews under embargo, and goes public", async () => {
    const admin = await (await contextFor(adminCookie)).newPage();
    const errors = watchErrors(admin);
    const invitePath = await makeLink(admin, "Invitation (to sign)", "A songwriter we know");
    expect(invitePath).toMatch(/^\/invite\/[A-Za-z0-9_-]{43}$/);
    await expectAccessible(admin, "the campaign page");

    // The public: a holding page, no navigation to the list.
    const visitor = await (await contextFor()).newPage();
    await visitor.goto(`${server.url}/`);
    await visitor.getByRole("heading", { level: 1, name: "Nothing to read here yet" }).waitFor();
    expect(await visitor.getByRole("link", { name: "Who signed" }).count()).toBe(0);
    await expectAccessible(visitor, "the holding page");
    await visitor.goto(`${server.url}/signatures`);
    expect(new URL(visitor.url()).pathname).toBe("/");

    // The invited artist reads the letter and signs.
    const artist = await (await contextFor()).newPage();
    await artist.goto(`${server.url}${invitePath}`);
    await artist.getByRole("heading", { level: 1, name: "You are invited to sign before the letter is public" }).waitFor();
    await artist.getByRole("button", { name: "Read the letter" }).click();
    await artist.getByRole("heading", { level: 1, name: "Stop running ICE recruitment ads on Spotify" }).waitFor();
    const form = artist.getByRole("region", { name: "Add your name" });
    await form.getByLabel("Name to show").fill("Invited Early Signer");
    await form.getByLabel("Role", { exact: true }).selectOption({ label: "Songwriter" });
    await form.getByLabel("Country", { exact: true }).selectOption({ label: "Mexico" });
    const email = uniqueEmail("invited-e2e");
    await form.getByLabel("Email").fill(email);
    await form.getByLabel("I am this artist, or I am authorised to sign for them.").check();
    await form.getByLabel("Show this name publicly on the letter.").check();
    await artist.getByRole("button", { name: "Sign the letter" }).click();
    await artist.getByRole("heading", { level: 1, name: "Check your inbox" }).waitFor();
    const signed = await t.db.selectFrom("signatures").select(["state", "invitation_id"]).where("email", "=", email).executeTakeFirstOrThrow();
    expect(signed.state).toBe("unconfirmed");
    expect(signed.invitation_id).not.toBeNull();

    // The admin embargoes it until a time in Madrid and makes a press preview link.
    await admin.goto(`${server.url}/admin/campaign`);
    await admin.getByLabel("Goes public at").fill("2031-06-01T10:00");
    await admin.getByLabel("Time zone (the embargo is announced in it)").selectOption("Europe/Madrid");
    await admin.getByRole("button", { name: "Embargo until then (preview links start working)" }).click();
    await admin.getByRole("status").filter({ hasText: "Embargoed until 1 June 2031 at 10:00 CEST (Europe/Madrid)" }).waitFor();
    const previewPath = await makeLink(admin, "Press preview (to see the list under embargo)", "A reporter");

    const press = await (await contextFor()).newPage();
    await press.goto(`${server.url}${previewPath}`);
    await press.getByRole("button", { name: "See the list" }).click();
    await press.getByRole("heading", { level: 1, name: "Who signed" }).waitFor();
    await press.getByRole("note").filter({ hasText: "Embargoed until 1 June 2031 at 10:00 CEST (Europe/Madrid)" }).waitFor();
    await press.getByText(LISTED).first().waitFor();
    await expectAccessible(press, "the list under embargo");
    // Without the link, still nothing.
    await visitor.goto(`${server.url}/`);
    await visitor.getByRole("heading", { level: 1, name: "Nothing to read here yet" }).waitFor();

    // Launch: everyone sees the letter and the list; the banner is gone.
    await admin.goto(`${server.url}/admin/campaign`);
    await admin.getByRole("button", { name: "Make it public now" }).click();
    await admin.getByRole("status").filter({ hasText: "The letter is public now." }).waitFor();
    expect((await loadCampaign(t.db, letterId)).state).toBe("public");
    await visitor.goto(`${server.url}/signatures`);
    await visitor.getByText(LISTED).first().waitFor();
    expect(await visitor.getByRole("note").filter({ hasText: "Embargoed" }).count()).toBe(0);
    expect(errors.problems).toEqual([]);
  }, 120_000);
});
