import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../app/domain/auth/users.server";
import { launchChromium } from "../support/browser";
import { setupTestDatabase } from "../support/db";
import { drainUntilSettled, standinWorker } from "../support/outbox";
import { startResendStandin, type ResendStandin } from "../support/resend-standin";
import { startTestServer, type TestServer } from "../support/server";
import { emailsTo, registerCurrentLetter } from "../support/signatures";

/**
 * A label's whole journey in Chromium, JavaScript on, over the real server and database: a rep
 * joins by a work address, confirms from the email, signs for the label and lists two artists
 * from a pasted CSV; one artist confirms from their email, the other withdraws (the label is told);
 * a moderator approves what is left; the public list and the API show exactly that.
 */

const SCREENSHOTS = path.resolve("test-results/screenshots/label-journey");
const APP_URL = "http://letters.test";

const LABEL = { name: "Journey Label Records", website: "https://www.journey-label.com", domain: "journey-label.com" };
const REP = { name: "Robin Journey", email: "someone@journey-label.com" };
const ARTIST_ONE = { name: "Ada Wayfarer", role: "musician", country: "GB", email: "ada.wayfarer@example.org" };
const ARTIST_TWO = { name: "Bo Pathfinder", role: "producer", country: "SE", email: "bo.pathfinder@example.org" };
const ROSTER_CSV = ["name,role,country,email", ...[ARTIST_ONE, ARTIST_TWO].map((a) => [a.name, a.role, a.country, a.email].join(","))].join("\n");

const t = setupTestDatabase();
let server: TestServer;
let standin: ResendStandin;
let browser: Browser;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  standin = await startResendStandin({ apiKey: "re_test_key" });
  server = await startTestServer(t.database, { APP_URL });
  browser = await launchChromium();
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await standin?.close();
});

/** Every console error and uncaught page error of every page the journey opens. */
const problems: string[] = [];
/**
 * Chromium logs every 4xx response as a console error. The one this journey expects: after
 * "Withdraw my name", Remix revalidates the page's loader, which answers 410 Gone for a withdrawn
 * entry (its no-JavaScript status). Only that request, on that route, is let through.
 */
const expectedFailures: { status: RegExp; url: RegExp }[] = [];
const contexts: BrowserContext[] = [];
let shot = 0;

/** A page in a context of its own (its own cookies: a rep, an artist, a moderator, a visitor). */
async function openPage(who: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const resource = message.location().url;
    if (expectedFailures.some((e) => e.status.test(message.text()) && e.url.test(resource))) return;
    problems.push(`[${who}] console.error on ${page.url()}: ${message.text()}${resource && resource !== page.url() ? ` (${resource})` : ""}`);
  });
  page.on("pageerror", (error) => problems.push(`[${who}] page error on ${page.url()}: ${error.message}`));
  return page;
}

/** Waits until React has hydrated the document, so clicks go through Remix's client-side forms. */
async function hydrated(page: Page) {
  await page.waitForFunction(() => Object.keys(document.body).some((k) => k.startsWith("__reactFiber$")), undefined, { timeout: 15_000 });
}

async function goto(page: Page, pathname: string) {
  const response = await page.goto(`${server.url}${pathname}`);
  expect(response?.status(), `GET ${pathname}`).toBe(200);
  await hydrated(page);
}

let screenshotMs = 0;
async function screenshot(page: Page, name: string) {
  shot++;
  const t0 = performance.now();
  await page.screenshot({ path: path.join(SCREENSHOTS, `${String(shot).padStart(2, "0")}-${name}.jpg`), type: "jpeg", quality: 80, fullPage: true });
  screenshotMs += performance.now() - t0;
}

/** Sends what the outbox holds to the stand-in, and returns the link (on the test server) in the newest email to `to`. */
async function linkInEmail(to: string, pathPattern: string): Promise<string> {
  await drainUntilSettled(t.db, standinWorker(t.db, standin));
  const email = standin.emails.filter((e) => e.to.includes(to)).at(-1);
  expect(email, `an email to ${to}`).toBeTruthy();
  const match = new RegExp(`href="${APP_URL.replace(/\./g, "\\.")}(${pathPattern})"`).exec(email!.html ?? "");
  expect(match, `a link matching ${pathPattern} in the email to ${to}: ${email!.subject}`).toBeTruthy();
  return match![1]!;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const rowOf = (list: Locator, name: string) => list.locator("li").filter({ has: list.page().locator(".name", { hasText: name }) });

describe("a label in Chromium", () => {
  it("joins, signs, lists two artists; one confirms, one withdraws; a moderator approves; the list agrees", async ({ annotate }) => {
    const started = performance.now();
    const timings: string[] = [];
    let last = started;
    const step = async (name: string, page: Page | undefined, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (error) {
        if (page) await screenshot(page, `FAILED-${name}`).catch(() => {});
        const seen = problems.length ? `\nconsole/page errors so far:\n  ${problems.join("\n  ")}` : "";
        throw Object.assign(error as Error, { message: `step "${name}": ${(error as Error).message}${seen}` });
      }
      if (page) await screenshot(page, name);
      const now = performance.now();
      timings.push(`${name} ${((now - last) / 1000).toFixed(1)}s`);
      last = now;
    };

    try {
      // --- The rep joins -------------------------------------------------------------------------
      const rep = await openPage("rep");
      await step("join-form", rep, async () => {
        await goto(rep, "/labels/join");
        await rep.getByLabel("Label name").fill(LABEL.name);
        await rep.getByLabel("Label website").fill(LABEL.website);
        await rep.getByLabel("Your name").fill(REP.name);
        await rep.getByLabel("Your work email").fill(REP.email);
      });
      await step("check-your-inbox", rep, async () => {
        await rep.getByRole("button", { name: "Send the confirmation email" }).click();
        await rep.getByRole("heading", { name: "Check your inbox" }).waitFor();
        await expect(rep.locator("main, body").first().textContent()).resolves.toContain(LABEL.domain);
      });

      await step("confirm-page", rep, async () => {
        const link = await linkInEmail(REP.email, "/labels/confirm/[A-Za-z0-9_-]{16,}");
        await goto(rep, link);
        await rep.getByRole("heading", { name: `Confirm that you represent ${LABEL.name}` }).waitFor();
      });
      await step("label-dashboard", rep, async () => {
        await rep.getByRole("button", { name: "Confirm" }).click();
        await rep.waitForURL(`${server.url}/label`);
        await rep.getByRole("heading", { level: 1, name: LABEL.name }).waitFor();
        await rep.getByText(`Signed in as ${REP.name}`).waitFor();
        await rep.getByText("Yes: a representative confirmed an address at this domain").waitFor();
      });

      // --- Signs for the label -------------------------------------------------------------------
      await step("signed-for-label", rep, async () => {
        const sign = rep.locator('section[aria-labelledby="sign-heading"]');
        await sign.getByLabel("Country the label is based in").selectOption("GB");
        await sign.getByLabel(`I may sign this letter on behalf of ${LABEL.name}`).check();
        await sign.getByRole("button", { name: `Sign for ${LABEL.name}` }).click();
        await sign.getByText("Signed for the label. A moderator checks it before it is shown.").waitFor();
        await sign.getByText("Your label has signed: waiting for a moderator.").waitFor();
      });

      // --- Lists two artists from a pasted CSV ---------------------------------------------------
      const csv = rep.locator('section[aria-labelledby="csv-heading"]');
      await step("roster-preview", rep, async () => {
        await csv.getByLabel("Paste the roster").fill(ROSTER_CSV);
        await csv.getByRole("button", { name: "Check the roster" }).click();
        const preview = csv.locator("table", { has: rep.locator("caption", { hasText: "Checked: 2 ready, 0 to fix" }) });
        await preview.waitFor();
        const rows = preview.locator("tbody tr");
        await expect.poll(() => rows.count()).toBe(2);
        for (const [i, artist] of [ARTIST_ONE, ARTIST_TWO].entries()) {
          const cells = (await rows.nth(i).locator("td").allTextContents()).map((c) => c.trim());
          expect(cells.slice(1)).toEqual([artist.name, artist.role, artist.country, "given", "OK"]);
        }
        await csv.getByText("2 rows are ready. Nothing is saved until you press save.").waitFor();
        // Nothing is saved by the check.
        expect(await t.db.selectFrom("signatures").select("id").where("kind", "=", "roster").execute()).toEqual([]);
      });
      await step("roster-saved", rep, async () => {
        await csv.getByRole("button", { name: "Save 2 artists" }).click();
        await csv.getByText("2 artists listed, waiting for a moderator.").waitFor();
        const roster = rep.locator('section[aria-labelledby="roster-heading"]');
        await roster.getByRole("heading", { name: "Your roster on the letter (2)" }).waitFor();
        const names = await roster.locator("tbody tr td:first-child").allTextContents();
        expect(names.sort()).toEqual([ARTIST_ONE.name, ARTIST_TWO.name].sort());
        for (const name of [ARTIST_ONE.name, ARTIST_TWO.name]) {
          const cells = await roster.locator("tbody tr", { hasText: name }).locator("td").allTextContents();
          expect(cells).toContain("Waiting for a moderator");
          expect(cells).toContain("Artist told, not yet confirmed");
        }
      });

      // --- Artist one confirms, artist two withdraws ---------------------------------------------
      const one = await openPage("artist one");
      await step("artist-one-confirms", one, async () => {
        const link = await linkInEmail(ARTIST_ONE.email, "/roster/[A-Za-z0-9_-]{16,}");
        await goto(one, link);
        await one.getByRole("heading", { name: `${LABEL.name} listed ${ARTIST_ONE.name}` }).waitFor();
        await one.getByRole("button", { name: "Yes, I asked to be included" }).click();
        await one.getByText("Confirmed: the entry says it was confirmed by the artist.").waitFor();
        await expect(one.getByRole("button", { name: "Yes, I asked to be included" }).count()).resolves.toBe(0);
      });

      const two = await openPage("artist two");
      await step("artist-two-withdraws", two, async () => {
        const link = await linkInEmail(ARTIST_TWO.email, "/roster/[A-Za-z0-9_-]{16,}");
        await goto(two, link);
        await two.getByRole("heading", { name: `${LABEL.name} listed ${ARTIST_TWO.name}` }).waitFor();
        expectedFailures.push({ status: /status of 410 \(Gone\)/, url: new RegExp(`^${escape(`${server.url}${link}`)}(\\.data|\\?_data=)`) });
        await two.getByRole("button", { name: "Withdraw my name" }).click();
        await two.getByRole("heading", { name: "Withdrawn" }).waitFor();
        await two.getByText("The entry is off every public list, and the label has been told.").waitFor();
        const toRep = await emailsTo(t.db, REP.email);
        expect(toRep.map((e) => e.template)).toEqual(["label-join", "roster-withdrawn"]);
        expect(toRep[1]!.props).toMatchObject({ artistName: ARTIST_TWO.name, labelName: LABEL.name });
        await drainUntilSettled(t.db, standinWorker(t.db, standin));
        expect(standin.emails.filter((e) => e.to.includes(REP.email)).map((e) => e.subject)).toContain(`${ARTIST_TWO.name} withdrew from your roster listing`);
      });

      // --- A moderator approves the label and the remaining entry -------------------------------
      const ids = await t.db.selectFrom("signatures").select(["id", "kind", "display_name", "state"]).where("kind", "in", ["label", "roster"]).execute();
      const idOf = (name: string) => ids.find((r) => r.display_name === name)!.id;
      expect(ids.map((r) => [r.display_name, r.kind, r.state]).sort()).toEqual(
        [
          [LABEL.name, "label", "pending"],
          [ARTIST_ONE.name, "roster", "pending"],
          [ARTIST_TWO.name, "roster", "withdrawn"],
        ].sort(),
      );

      const moderatorEmail = "journey.moderator@countersign.test";
      await addUser(t.db, moderatorEmail, "moderator");
      const mod = await openPage("moderator");
      await step("moderator-queue", mod, async () => {
        await mod.goto(`${server.url}/admin`);
        expect(new URL(mod.url()).pathname).toBe("/admin/login");
        await hydrated(mod);
        await mod.getByLabel("Email").fill(moderatorEmail);
        await mod.getByRole("button", { name: "Email me a sign-in link" }).click();
        await mod.getByRole("heading", { name: "Check your inbox" }).waitFor();
        const link = await linkInEmail(moderatorEmail, "/admin/login/[A-Za-z0-9_-]{43}");
        await goto(mod, link);
        await mod.getByRole("button", { name: "Sign in" }).click();
        await mod.waitForURL(`${server.url}/admin`);
        await mod.locator(`[data-signature="${idOf(LABEL.name)}"]`).waitFor();
        await mod.locator(`[data-signature="${idOf(ARTIST_ONE.name)}"]`).waitFor();
        // The withdrawn entry is not waiting for anyone.
        expect(await mod.locator(`[data-signature="${idOf(ARTIST_TWO.name)}"]`).count()).toBe(0);
      });
      for (const name of [LABEL.name, ARTIST_ONE.name]) {
        await step(`moderator-approves-${name.toLowerCase().replace(/\W+/g, "-")}`, mod, async () => {
          const id = idOf(name);
          await mod.locator(`[data-signature="${id}"]`).getByRole("button", { name: "Approve" }).click();
          await mod.getByText(`#${id}: Done: now approved.`).waitFor();
        });
      }

      // --- The public list and the API -----------------------------------------------------------
      const visitor = await openPage("visitor");
      await step("public-list", visitor, async () => {
        await goto(visitor, "/signatures");
        const list = visitor.getByTestId("signature-list");
        const label = rowOf(list, LABEL.name);
        await expect(label.count()).resolves.toBe(1);
        expect(await label.locator(".badge").allTextContents()).toContain("Label domain confirmed");
        const artist = rowOf(list, ARTIST_ONE.name);
        await expect(artist.count()).resolves.toBe(1);
        // The "Via label" badge names the label.
        expect(await artist.locator(".badge-via_label").textContent()).toBe(`Via ${LABEL.name}`);
        expect(await artist.locator(".badge-via_label").getAttribute("title")).toMatch(/^Listed by a label/);
        expect(await artist.locator(".badge").allTextContents()).toContain("Confirmed by the artist");
        expect(await artist.locator(".details").textContent()).toContain(`via ${LABEL.name}`);
        expect(await visitor.locator("body").textContent()).not.toContain(ARTIST_TWO.name);
        await expect(list.locator(":scope > li").count()).resolves.toBe(2);
      });

      const api = await fetch(`${server.url}/api/v1/signatures?limit=200`);
      expect(api.status).toBe(200);
      const { data } = (await api.json()) as { data: { name: string; kind: string; label: string | null; badges: string[] }[] };
      expect(data.map((d) => d.name).sort()).toEqual([ARTIST_ONE.name, LABEL.name].sort());
      expect(data.find((d) => d.name === LABEL.name)).toMatchObject({ kind: "label", badges: expect.arrayContaining(["label_domain_confirmed"]) });
      expect(data.find((d) => d.name === ARTIST_ONE.name)).toMatchObject({
        kind: "roster",
        label: LABEL.name,
        badges: expect.arrayContaining(["via_label", "artist_confirmed"]),
      });
      expect(JSON.stringify(data)).not.toContain(ARTIST_TWO.name);

      expect(problems, "console errors or page errors").toEqual([]);
    } finally {
      for (const context of contexts) await context.close().catch(() => {});
      // The run's times, by step: beside the screenshots, and as the test's annotation.
      const summary = `label journey: ${((performance.now() - started) / 1000).toFixed(1)} s, of which screenshots ${(screenshotMs / 1000).toFixed(1)} s (${timings.join(", ")})`;
      writeFileSync(path.join(SCREENSHOTS, "timings.txt"), `${summary}\n`);
      await annotate(summary);
    }
  }, 120_000);
});
