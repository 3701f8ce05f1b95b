import Papa from "papaparse";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../app/domain/auth/users.server";
import { createDevMailboxTransport } from "../../app/domain/outbox/transport.server";
import { createOutboxWorker, type OutboxWorker } from "../../app/domain/outbox/worker.server";
import { focused, launchChromium, stepsFor, tabAndType, tabTo, tabToButton, waitForHydration, watchErrors } from "../support/browser";
import { setupTestDatabase } from "../support/db";
import { drainUntilSettled, silentLog, testWorkerOptions } from "../support/outbox";
import { startTestServer, type TestServer } from "../support/server";
import { lastEmailTo, registerCurrentLetter, uniqueEmail } from "../support/signatures";

/**
 * The artist's whole journey, clicked through in Chromium, once with JavaScript and once without:
 * sign on the letter page → the confirmation email in the dev mailbox → confirm → a moderator signs
 * in by emailed link and approves → the name is on /signatures, in the API and in the CSV → the
 * artist edits it from the manage link (back to moderation) → approved again → withdraws → gone.
 */

const t = setupTestDatabase();
let server: TestServer;
let browser: Browser;
let mail: OutboxWorker;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  // The emails' links point at this server, so the browser can follow them from the dev mailbox.
  mail = createOutboxWorker(t.db, createDevMailboxTransport(t.db, silentLog), silentLog, { ...testWorkerOptions, appUrl: server.url });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Person {
  page: Page;
  context: BrowserContext;
  watch: ReturnType<typeof watchErrors>;
}

async function person(js: boolean): Promise<Person> {
  const context = await browser.newContext({ javaScriptEnabled: js, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  return { page, context, watch: watchErrors(page) };
}

/** Sends what is queued, then opens the newest email to `to` in the dev mailbox and follows its link to `path`. */
async function followEmailLink(who: Person, to: string, subject: string, path: RegExp) {
  await drainUntilSettled(t.db, mail);
  await who.page.goto(`${server.url}/dev/mailbox`);
  const row = who.page.getByRole("row").filter({ hasText: to }).filter({ hasText: subject }).first();
  await row.getByRole("link").click();
  await who.page.getByRole("heading", { name: subject }).waitFor();
  const link = who.page.getByRole("link", { name: path });
  expect(await link.count(), `links to ${path} in the email`).toBe(1);
  await link.click();
  await who.page.waitForURL(path);
}

async function signatureOf(email: string) {
  return t.db.selectFrom("signatures").select(["id", "state", "display_name", "email"]).where("email", "=", email).executeTakeFirst();
}

/** The name as each public output has it: the list page, the JSON API and the CSV. */
async function publicOutputs(who: Person) {
  await who.page.goto(`${server.url}/signatures?sort=new`);
  const list = await who.page.locator('[data-testid="signature-list"] .name').allTextContents();
  const api = (await (await who.context.request.get(`${server.url}/api/v1/signatures`)).json()) as { data: { name: string }[] };
  const csv = Papa.parse<{ name: string }>((await (await who.context.request.get(`${server.url}/signatures.csv`)).text()).replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: true,
  });
  return { list, api: api.data.map((d) => d.name), csv: csv.data.map((row) => row.name) };
}

async function expectPublic(who: Person, name: string, shown: boolean) {
  const out = await publicOutputs(who);
  for (const [where, names] of [
    ["/signatures", out.list],
    ["/api/v1/signatures", out.api],
    ["/signatures.csv", out.csv],
  ] as const) {
    expect(names.includes(name), `${where} ${shown ? "shows" : "does not show"} ${name}: ${JSON.stringify(names)}`).toBe(shown);
  }
}

/** Each party's browser has logged no error so far. */
function expectQuiet(...people: Person[]) {
  for (const p of people) expect(p.watch.problems, `errors in the browser at ${p.page.url()}`).toEqual([]);
}

describe.each([
  ["on", true],
  ["off", false],
] as const)("the artist's journey in Chromium, JavaScript %s", (label, js) => {
  it("sign → confirm → approved → public → edit (back to moderation) → approved → withdraw → gone everywhere", async ({ task }) => {
    const step = stepsFor(task);
    const artist = await person(js);
    const moderator = await person(js);
    const email = uniqueEmail(`journey-js-${label}`);
    const name = `Journey Band JS ${label} ${Date.now().toString(36)}`;
    const renamed = `Renamed Journey JS ${label} ${Date.now().toString(36)}`;
    const moderatorEmail = `journey.moderator.js-${label}@countersign.test`;
    await addUser(t.db, moderatorEmail, "moderator");
    const hydrated = async (p: Person) => {
      if (js) await waitForHydration(p.page);
    };

    try {
      await step(artist.page, "the letter", async () => {
        await artist.page.goto(server.url);
        await artist.page.getByRole("heading", { level: 1, name: "Stop running ICE recruitment ads on Spotify" }).waitFor();
        await hydrated(artist);
        expect(await artist.page.evaluate(() => "__remixContext" in window)).toBe(js);
      });

      await step(artist.page, "the sign form, filled in by label", async () => {
        const form = artist.page.getByRole("region", { name: "Add your name" });
        await form.scrollIntoViewIfNeeded();
        await form.getByLabel("Name to show").fill(name);
        await form.getByLabel("Your own name, if different (optional)").fill("Jo Journey");
        await form.getByLabel("Role", { exact: true }).selectOption({ label: "Producer" });
        await form.getByLabel("Country", { exact: true }).selectOption({ label: "Iceland" });
        await form.getByLabel("Link to your music (optional)").fill("https://example.org/journey");
        await form.getByLabel("Note to the moderators (optional)").fill("My manager can vouch for me.");
        await form.getByLabel("Email").fill(email);
        await form.getByLabel("I am this artist, or I am authorised to sign for them.").check();
        await form.getByLabel("Show this name publicly on the letter.").check();
      });

      await step(artist.page, "submitted: check your inbox", async () => {
        await artist.page.getByRole("button", { name: "Sign the letter" }).click();
        await artist.page.waitForURL(`${server.url}/signed`);
        await artist.page.getByRole("heading", { level: 1, name: "Check your inbox" }).waitFor();
        expect(await signatureOf(email)).toMatchObject({ state: "unconfirmed", display_name: name });
        expectQuiet(artist);
      });

      await step(artist.page, "the confirmation email's link", async () => {
        await followEmailLink(artist, email, "Confirm your signature: ", /\/confirm\/[A-Za-z0-9_-]{43}$/);
        await artist.page.getByRole("heading", { level: 1, name: "Confirm your signature" }).waitFor();
        // Opening the link changes nothing.
        expect((await signatureOf(email))?.state).toBe("unconfirmed");
        expect(await artist.page.locator(".facts").textContent()).toContain(name);
      });

      await step(artist.page, "confirmed", async () => {
        await hydrated(artist);
        await artist.page.getByRole("button", { name: "Confirm my signature" }).click();
        await artist.page.getByRole("heading", { level: 1, name: "Your signature is confirmed" }).waitFor();
        expect((await signatureOf(email))?.state).toBe("pending");
        expectQuiet(artist);
      });

      await step(artist.page, "not public while it waits for a moderator", () => expectPublic(artist, name, false));

      await step(moderator.page, "the moderator asks for a sign-in link", async () => {
        await moderator.page.goto(`${server.url}/admin`);
        expect(new URL(moderator.page.url()).pathname).toBe("/admin/login");
        await hydrated(moderator);
        await moderator.page.getByLabel("Email").fill(moderatorEmail);
        await moderator.page.getByRole("button", { name: "Email me a sign-in link" }).click();
        await moderator.page.getByRole("heading", { level: 1, name: "Check your inbox" }).waitFor();
      });

      await step(moderator.page, "the moderator signs in from the emailed link", async () => {
        await followEmailLink(moderator, moderatorEmail, "Your Countersign sign-in code: ", /\/admin\/login\/[A-Za-z0-9_-]{43}$/);
        await hydrated(moderator);
        await moderator.page.getByRole("button", { name: "Sign in" }).click();
        await moderator.page.waitForURL(`${server.url}/admin`);
        expectQuiet(moderator);
      });

      const approve = async (displayName: string) => {
        await moderator.page.goto(`${server.url}/admin?state=pending`);
        await hydrated(moderator);
        const item = moderator.page.locator(".queue-item").filter({ has: moderator.page.getByRole("link", { name: displayName, exact: true }) });
        expect(await item.count()).toBe(1);
        await item.getByRole("button", { name: "Approve" }).click();
        await moderator.page.getByRole("status").filter({ hasText: "Done: now approved." }).waitFor();
        expect(await signatureOf(email)).toMatchObject({ state: "approved", display_name: displayName });
        expectQuiet(moderator);
      };

      await step(moderator.page, "the moderator approves the name", () => approve(name));

      await step(artist.page, "the name is on /signatures, in the API and in the CSV", () => expectPublic(artist, name, true));

      await step(artist.page, "the manage link from the confirmed email", async () => {
        await followEmailLink(artist, email, "Your signature is confirmed: ", /\/manage\/[A-Za-z0-9_-]{43}$/);
        await artist.page.getByRole("heading", { level: 1, name: "Manage your signature" }).waitFor();
        await artist.page.getByText("Your name is on the public list.").waitFor();
      });
      const manageUrl = artist.page.url();

      await step(artist.page, "the name edited: back to a moderator", async () => {
        await hydrated(artist);
        const field = artist.page.getByLabel("Name to show");
        expect(await field.inputValue()).toBe(name);
        await field.fill(renamed);
        await artist.page.getByRole("button", { name: "Save changes" }).click();
        await artist.page.getByRole("status").filter({ hasText: "Saved. Your changes go back to a moderator before your name appears again." }).waitFor();
        await artist.page.getByText("A moderator will check your name before it appears.").waitFor();
        expect(await signatureOf(email)).toMatchObject({ state: "pending", display_name: renamed });
        expectQuiet(artist);
      });

      await step(artist.page, "neither name is public while the edit waits", async () => {
        await expectPublic(artist, name, false);
        await expectPublic(artist, renamed, false);
      });

      await step(moderator.page, "the moderator approves the new name", () => approve(renamed));

      await step(artist.page, "the new name is public, the old one is not", async () => {
        await expectPublic(artist, renamed, true);
        await expectPublic(artist, name, false);
      });

      await step(artist.page, "withdrawn from the manage link", async () => {
        await artist.page.goto(manageUrl);
        await hydrated(artist);
        // Once withdrawn, the manage link's data answers 410 Gone by design: Remix reloads it after the POST.
        artist.watch.allow(manageUrl, 410);
        await artist.page.getByLabel("I want to withdraw my signature.").check();
        await artist.page.getByRole("button", { name: "Withdraw my signature" }).click();
        await artist.page.getByRole("heading", { level: 1, name: "Your signature is withdrawn" }).waitFor();
        expectQuiet(artist);
      });

      await step(artist.page, "gone from /signatures, the API and the CSV", async () => {
        await expectPublic(artist, renamed, false);
        const row = await t.db
          .selectFrom("signatures")
          .select(["state", "email", "private_name"])
          .where("display_name", "=", renamed)
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ state: "withdrawn", email: null, private_name: null });
        expectQuiet(artist, moderator);
      });
    } finally {
      await artist.context.close();
      await moderator.context.close();
    }
  }, 120_000);
});

describe("every form from the keyboard alone (Tab, Space, Enter and typing; no clicks)", () => {
  it("sign, confirm with the code, moderator sign-in with the code, approve, edit, reject with a reason, withdraw", async ({ task }) => {
    const step = stepsFor(task);
    const artist = await person(true);
    const moderator = await person(true);
    const { page } = artist;
    const mod = moderator.page;
    const email = uniqueEmail("keyboard");
    const name = `Keyboard Band ${Date.now().toString(36)}`;
    const renamed = `Tabbed Band ${Date.now().toString(36)}`;
    const moderatorEmail = "keyboard.moderator@countersign.test";
    let manageToken = "";
    let id = "";
    await addUser(t.db, moderatorEmail, "moderator");

    try {
      await step(page, "the sign form: tab through, type, choose, tick, Enter", async () => {
        await page.goto(server.url);
        await waitForHydration(page);
        await tabAndType(page, "Name to show", name, 80);
        const role = await tabTo(page, (el) => el.label === "Role", "the role", 2);
        expect(role.tag).toBe("select");
        await page.keyboard.type("Producer");
        expect((await focused(page))?.value).toBe("producer");
        await tabTo(page, (el) => el.label === "Country", "the country", 2);
        await page.keyboard.type("Norway");
        expect((await focused(page))?.value).toBe("NO");
        await tabAndType(page, "Email", email, 5);
        const attest = await tabTo(page, (el) => el.label.startsWith("I am this artist"), "the first box", 3);
        expect(attest.checked).toBe(false);
        await page.keyboard.press("Space");
        expect((await focused(page))?.checked).toBe(true);
        await tabTo(page, (el) => el.label.startsWith("Show this name publicly"), "the second box", 3);
        await page.keyboard.press("Space");
        expect((await focused(page))?.checked).toBe(true);
        await tabToButton(page, "Sign the letter", 3);
        await page.keyboard.press("Enter");
        await page.waitForURL(`${server.url}/signed`);
        const row = await signatureOf(email);
        expect(row).toMatchObject({ state: "unconfirmed", display_name: name });
        id = row!.id;
      });

      await step(page, "the confirm form: the address and the code, Enter, then Space on the button", async () => {
        const code = (await lastEmailTo(t.db, email))!.props.code!;
        await page.goto(`${server.url}/confirm`);
        await waitForHydration(page);
        await tabAndType(page, "Email", email);
        await tabAndType(page, "Code", code, 3);
        await page.keyboard.press("Enter");
        await page.getByRole("heading", { level: 1, name: "Confirm your signature" }).waitFor();
        expect((await signatureOf(email))?.state).toBe("unconfirmed");
        await tabToButton(page, "Confirm my signature");
        await page.keyboard.press("Space");
        await page.getByRole("heading", { level: 1, name: "Your signature is confirmed" }).waitFor();
        expect((await signatureOf(email))?.state).toBe("pending");
        // The manage link, read before the outbox sends (and forgets) the email.
        manageToken = (await lastEmailTo(t.db, email))!.props.manageToken!;
      });

      await step(mod, "moderator sign-in: the address, Enter, the emailed code, Enter", async () => {
        await mod.goto(`${server.url}/admin/login`);
        await waitForHydration(mod);
        await tabAndType(mod, "Email", moderatorEmail);
        await mod.keyboard.press("Enter");
        await mod.getByRole("heading", { level: 1, name: "Check your inbox" }).waitFor();
        await drainUntilSettled(t.db, mail);
        const sent = await t.db
          .selectFrom("dev_mailbox")
          .select("subject")
          .where("to_address", "=", moderatorEmail)
          .orderBy("id", "desc")
          .executeTakeFirstOrThrow();
        const code = /(\d{6})$/.exec(sent.subject)![1]!;
        await tabAndType(mod, "6-digit code", code);
        await mod.keyboard.press("Enter");
        await mod.waitForURL(`${server.url}/admin`);
      });

      const queueButton = async (displayName: string, text: string) => {
        await mod.goto(`${server.url}/admin?state=pending`);
        await waitForHydration(mod);
        // Tab to the button in this signature's row: the row's link comes first, then its buttons.
        await tabTo(mod, (el) => el.tag === "a" && el.text === displayName, `the link to ${displayName}`, 60);
        return tabToButton(mod, text, 6);
      };

      await step(mod, "a moderator's decision: Tab to Approve, Enter", async () => {
        await queueButton(name, "Approve");
        await mod.keyboard.press("Enter");
        await mod.getByRole("status").filter({ hasText: "Done: now approved." }).waitFor();
        expect((await signatureOf(email))?.state).toBe("approved");
      });

      await step(page, "the manage form: a new name, Enter", async () => {
        await page.goto(`${server.url}/manage/${manageToken}`);
        await waitForHydration(page);
        await tabTo(page, (el) => el.label === "Name to show", "the name", 40);
        await page.keyboard.press("ControlOrMeta+A");
        await page.keyboard.type(renamed);
        await page.keyboard.press("Enter");
        await page.getByRole("status").filter({ hasText: "Saved. Your changes go back to a moderator" }).waitFor();
        expect(await signatureOf(email)).toMatchObject({ state: "pending", display_name: renamed });
      });

      await step(mod, "a moderator's decision: a reason chosen by typing, a note, Space on Reject", async () => {
        await queueButton(renamed, "Approve");
        const reason = await tabTo(mod, (el) => el.label === `Reason for ${renamed}`, "the reason", 2);
        expect(reason.tag).toBe("select");
        await mod.keyboard.type("Duplicate");
        expect((await focused(mod))?.value).toBe("duplicate");
        await tabAndType(mod, `Note for ${renamed}`, "Signed twice.", 2);
        await tabToButton(mod, "Reject", 2);
        await mod.keyboard.press("Space");
        await mod.getByRole("status").filter({ hasText: "Done: now rejected." }).waitFor();
        expect((await signatureOf(email))?.state).toBe("rejected");
      });

      await step(page, "the withdraw form: Space on the box, Enter on the button", async () => {
        await page.goto(`${server.url}/manage/${manageToken}`);
        await waitForHydration(page);
        artist.watch.allow(page.url(), 410);
        await tabTo(page, (el) => el.label === "I want to withdraw my signature.", "the withdraw box", 60);
        await page.keyboard.press("Space");
        await tabToButton(page, "Withdraw my signature", 2);
        await page.keyboard.press("Enter");
        await page.getByRole("heading", { level: 1, name: "Your signature is withdrawn" }).waitFor();
        // The address is deleted with it.
        const row = await t.db.selectFrom("signatures").select(["state", "email"]).where("id", "=", id).executeTakeFirstOrThrow();
        expect(row).toEqual({ state: "withdrawn", email: null });
        expectQuiet(artist, moderator);
      });
    } finally {
      await artist.context.close();
      await moderator.context.close();
    }
  }, 120_000);
});
