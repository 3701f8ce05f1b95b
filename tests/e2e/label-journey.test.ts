import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../app/domain/auth/users.server";
import { createDevMailboxTransport } from "../../app/domain/outbox/transport.server";
import { createOutboxWorker, type OutboxWorker } from "../../app/domain/outbox/worker.server";
import { launchChromium, stepsFor, waitForHydration, watchErrors } from "../support/browser";
import { setupTestDatabase } from "../support/db";
import { drainUntilSettled, silentLog, testWorkerOptions } from "../support/outbox";
import { startTestServer, type TestServer } from "../support/server";
import { emailsTo, registerCurrentLetter } from "../support/signatures";

/**
 * A label's whole journey, clicked through in Chromium with JavaScript on, over the real server and
 * database: a rep joins with a work address → confirms from the emailed link → signs for the label →
 * pastes a roster of two artists, checks it, saves it → artist one confirms from their email, artist
 * two withdraws (the label is told) → a moderator approves the label and the remaining entry → the
 * public list and the API show the label and artist one, with their marks, and not artist two.
 */

const LABEL = { name: "Journey Label Records", website: "https://www.journey-label.com", domain: "journey-label.com" };
const REP = { name: "Robin Journey", email: "someone@journey-label.com" };
const ARTIST_ONE = { name: "Ada Wayfarer", role: "musician", country: "GB", email: "ada.wayfarer@example.org" };
const ARTIST_TWO = { name: "Bo Pathfinder", role: "producer", country: "SE", email: "bo.pathfinder@example.org" };
const ROSTER_CSV = ["name,role,country,email", ...[ARTIST_ONE, ARTIST_TWO].map((a) => [a.name, a.role, a.country, a.email].join(","))].join("\n");
const MODERATOR = "label-journey.moderator@countersign.test";

const t = setupTestDatabase();
let server: TestServer;
let browser: Browser;
let mail: OutboxWorker;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  // The emails' links point at this server, so the browser follows them from the dev mailbox.
  mail = createOutboxWorker(t.db, createDevMailboxTransport(t.db, silentLog), silentLog, { ...testWorkerOptions, appUrl: server.url });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

interface Person {
  who: string;
  page: Page;
  context: BrowserContext;
  watch: ReturnType<typeof watchErrors>;
}

/** Each party in a browser context of its own (its own cookies), every error it logs watched. */
async function person(who: string): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  return { who, page, context, watch: watchErrors(page) };
}

async function open(p: Person, path: string) {
  const response = await p.page.goto(`${server.url}${path}`);
  expect(response?.status(), `GET ${path}`).toBe(200);
  await waitForHydration(p.page);
}

/** Sends what is queued, opens the newest email to `to` with `subject` in the dev mailbox and follows its one link to `path`. */
async function followEmailLink(p: Person, to: string, subject: string, path: RegExp) {
  await drainUntilSettled(t.db, mail);
  await open(p, "/dev/mailbox");
  const row = p.page.getByRole("row").filter({ hasText: to }).filter({ hasText: subject }).first();
  await row.getByRole("link").click();
  await p.page.getByRole("heading", { name: subject }).waitFor();
  const link = p.page.getByRole("link", { name: path });
  expect(await link.count(), `links to ${path} in the email "${subject}"`).toBe(1);
  await link.click();
  await p.page.waitForURL(path);
  await waitForHydration(p.page);
}

/** No party's browser has logged an error so far. */
function expectQuiet(...people: Person[]) {
  for (const p of people) expect(p.watch.problems, `errors in ${p.who}'s browser (now at ${p.page.url()})`).toEqual([]);
}

/** The entry on /signatures whose name is exactly `name`. */
const entry = (list: Locator, name: string) => list.locator(":scope > li").filter({ has: list.page().locator(".name").getByText(name, { exact: true }) });

describe("a label's journey in Chromium, JavaScript on", () => {
  it("join → confirm → sign → roster checked and saved → one artist confirms, one withdraws → moderator approves → public", async ({ task, annotate }) => {
    const steps = stepsFor(task);
    const times: string[] = [];
    const started = performance.now();
    /** A step of the journey: screenshotted after (or on failure), timed. */
    const step = async (p: Person, name: string, fn: () => Promise<void>) => {
      const t0 = performance.now();
      await steps(p.page, name, fn);
      times.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)}`);
    };
    const rep = await person("the rep");
    const one = await person("artist one");
    const two = await person("artist two");
    const moderator = await person("the moderator");
    const visitor = await person("a visitor");
    const everyone = [rep, one, two, moderator, visitor];
    await addUser(t.db, MODERATOR, "moderator");

    try {
      await step(rep, "the join form, filled in by label", async () => {
        await open(rep, "/labels/join");
        await rep.page.getByRole("heading", { level: 1, name: "Join as a label" }).waitFor();
        await rep.page.getByLabel("Label name").fill(LABEL.name);
        await rep.page.getByLabel("Label website").fill(LABEL.website);
        await rep.page.getByLabel("Your name").fill(REP.name);
        await rep.page.getByLabel("Your work email").fill(REP.email);
      });

      await step(rep, "submitted: check your inbox", async () => {
        await rep.page.getByRole("button", { name: "Send the confirmation email" }).click();
        await rep.page.getByRole("heading", { level: 1, name: "Check your inbox" }).waitFor();
        await rep.page.locator("main strong").getByText(LABEL.domain, { exact: true }).waitFor();
        expect(await t.db.selectFrom("labels").select("id").where("domain", "=", LABEL.domain).execute()).toEqual([]);
        expectQuiet(rep);
      });

      await step(rep, "the label-join email's link", async () => {
        await followEmailLink(rep, REP.email, `Confirm your address to represent ${LABEL.name}`, /\/labels\/confirm\/[A-Za-z0-9_-]{43}$/);
        await rep.page.getByRole("heading", { level: 1, name: `Confirm that you represent ${LABEL.name}` }).waitFor();
        expect(await rep.page.locator(".facts").textContent()).toContain(LABEL.domain);
      });

      await step(rep, "confirmed: signed in on /label", async () => {
        await rep.page.getByRole("button", { name: "Confirm" }).click();
        await rep.page.waitForURL(`${server.url}/label`);
        await rep.page.getByRole("heading", { level: 1, name: LABEL.name }).waitFor();
        await rep.page.getByText(`Signed in as ${REP.name}`).waitFor();
        await rep.page.getByText("Yes: a representative confirmed an address at this domain").waitFor();
        expectQuiet(rep);
      });

      const signing = rep.page.getByRole("region", { name: "Sign for the label" });
      await step(rep, "signed for the label", async () => {
        await waitForHydration(rep.page);
        await signing.getByLabel("Country the label is based in").selectOption({ label: "United Kingdom" });
        await signing.getByLabel(`I may sign this letter on behalf of ${LABEL.name}`).check();
        await signing.getByRole("button", { name: `Sign for ${LABEL.name}` }).click();
        await signing.getByRole("status").filter({ hasText: "Signed for the label. A moderator checks it before it is shown." }).waitFor();
        await signing.getByText("Your label has signed: waiting for a moderator.").waitFor();
        expectQuiet(rep);
      });

      const csv = rep.page.getByRole("region", { name: "List many artists from a CSV" });
      await step(rep, "the roster pasted and checked", async () => {
        await csv.getByLabel("Paste the roster").fill(ROSTER_CSV);
        await csv.getByRole("button", { name: "Check the roster" }).click();
        await csv.getByRole("status").filter({ hasText: "2 rows are ready. Nothing is saved until you press save." }).waitFor();
        const rows = csv.getByRole("table", { name: "Checked: 2 ready, 0 to fix" }).locator("tbody tr");
        expect(await rows.count()).toBe(2);
        for (const [i, artist] of [ARTIST_ONE, ARTIST_TWO].entries()) {
          const cells = (await rows.nth(i).locator("td").allTextContents()).map((c) => c.trim());
          expect(cells.slice(1), `row ${i + 1} of the preview`).toEqual([artist.name, artist.role, artist.country, "given", "OK"]);
        }
        // Checking saves nothing.
        expect(await t.db.selectFrom("signatures").select("id").where("kind", "=", "roster").execute()).toEqual([]);
        expectQuiet(rep);
      });

      await step(rep, "the roster saved: both listed", async () => {
        await csv.getByRole("button", { name: "Save 2 artists" }).click();
        await csv.getByRole("status").filter({ hasText: "2 artists listed, waiting for a moderator." }).waitFor();
        const roster = rep.page.getByRole("region", { name: "Your roster on the letter (2)" });
        await roster.waitFor();
        const rows = roster.locator("tbody tr");
        expect((await rows.locator("td:first-child").allTextContents()).sort()).toEqual([ARTIST_ONE.name, ARTIST_TWO.name].sort());
        for (const artist of [ARTIST_ONE, ARTIST_TWO]) {
          const cells = await rows.filter({ hasText: artist.name }).locator("td").allTextContents();
          expect(cells, artist.name).toEqual(expect.arrayContaining(["Waiting for a moderator", "Artist told, not yet confirmed"]));
        }
        expectQuiet(rep);
      });

      const subject = `${LABEL.name} listed you on an open letter: `;
      await step(one, "artist one: the roster-notice email's link", async () => {
        await followEmailLink(one, ARTIST_ONE.email, subject, /\/roster\/[A-Za-z0-9_-]{43}$/);
        await one.page.getByRole("heading", { level: 1, name: `${LABEL.name} listed ${ARTIST_ONE.name}` }).waitFor();
      });

      await step(one, "artist one: confirmed", async () => {
        await one.page.getByRole("button", { name: "Yes, I asked to be included" }).click();
        await one.page.getByRole("status").filter({ hasText: "Confirmed: the entry says it was confirmed by the artist." }).waitFor();
        expect(await one.page.getByRole("button", { name: "Yes, I asked to be included" }).count()).toBe(0);
        expectQuiet(one);
      });

      await step(two, "artist two: the roster-notice email's link", async () => {
        await followEmailLink(two, ARTIST_TWO.email, subject, /\/roster\/[A-Za-z0-9_-]{43}$/);
        await two.page.getByRole("heading", { level: 1, name: `${LABEL.name} listed ${ARTIST_TWO.name}` }).waitFor();
      });

      await step(two, "artist two: withdrawn, the label told", async () => {
        // Once withdrawn, the link's data answers 410 Gone by design: Remix reloads it after the POST.
        two.watch.allow(two.page.url(), 410);
        await two.page.getByRole("button", { name: "Withdraw my name" }).click();
        await two.page.getByRole("heading", { level: 1, name: "Withdrawn" }).waitFor();
        await two.page.getByText("The entry is off every public list, and the label has been told.").waitFor();
        const toRep = await emailsTo(t.db, REP.email);
        expect(toRep.map((e) => e.template)).toEqual(["label-join", "roster-withdrawn"]);
        expect(toRep[1]!.props).toMatchObject({ artistName: ARTIST_TWO.name, labelName: LABEL.name });
        expectQuiet(two);
      });

      const entries = await t.db.selectFrom("signatures").select(["id", "kind", "display_name", "state", "confirmed_at"]).execute();
      const idOf = (name: string) => entries.find((r) => r.display_name === name)!.id;
      expect(entries.map((r) => [r.display_name, r.kind, r.state, r.confirmed_at !== null]).sort()).toEqual(
        [
          [LABEL.name, "label", "pending", true],
          [ARTIST_ONE.name, "roster", "pending", true],
          [ARTIST_TWO.name, "roster", "withdrawn", false],
        ].sort(),
      );

      await step(moderator, "the moderator asks for a sign-in link", async () => {
        await moderator.page.goto(`${server.url}/admin`);
        expect(new URL(moderator.page.url()).pathname).toBe("/admin/login");
        await waitForHydration(moderator.page);
        await moderator.page.getByLabel("Email").fill(MODERATOR);
        await moderator.page.getByRole("button", { name: "Email me a sign-in link" }).click();
        await moderator.page.getByRole("heading", { level: 1, name: "Check your inbox" }).waitFor();
      });

      await step(moderator, "the moderator signs in: the label and artist one wait, artist two does not", async () => {
        await followEmailLink(moderator, MODERATOR, "Your Countersign sign-in code: ", /\/admin\/login\/[A-Za-z0-9_-]{43}$/);
        await moderator.page.getByRole("button", { name: "Sign in" }).click();
        await moderator.page.waitForURL(`${server.url}/admin`);
        await waitForHydration(moderator.page);
        const label = moderator.page.locator(`[data-signature="${idOf(LABEL.name)}"]`);
        await label.getByText(`Signed for ${LABEL.name} (${LABEL.domain}): domain confirmed by a rep's address`).waitFor();
        const artist = moderator.page.locator(`[data-signature="${idOf(ARTIST_ONE.name)}"]`);
        await artist.getByText(`Listed by ${LABEL.name} (${LABEL.domain})`).waitFor();
        await artist.getByText("Confirmed by the artist").waitFor();
        expect(await moderator.page.locator(`[data-signature="${idOf(ARTIST_TWO.name)}"]`).count()).toBe(0);
        expectQuiet(moderator);
      });

      for (const name of [LABEL.name, ARTIST_ONE.name]) {
        await step(moderator, `the moderator approves ${name}`, async () => {
          const id = idOf(name);
          await moderator.page.locator(`[data-signature="${id}"]`).getByRole("button", { name: "Approve" }).click();
          await moderator.page
            .getByRole("status")
            .filter({ hasText: `#${id}: Done: now approved.` })
            .waitFor();
          // It leaves the pending queue.
          await moderator.page.locator(`[data-signature="${id}"]`).waitFor({ state: "detached" });
          expectQuiet(moderator);
        });
      }

      await step(visitor, "/signatures: the label and artist one with their marks, not artist two", async () => {
        await open(visitor, "/signatures");
        const list = visitor.page.getByTestId("signature-list");
        expect(await list.locator(":scope > li .name").allTextContents()).toEqual(expect.arrayContaining([LABEL.name, ARTIST_ONE.name]));
        const label = entry(list, LABEL.name);
        expect(await label.count()).toBe(1);
        expect(await label.locator(".badge").allTextContents()).toContain("Label domain confirmed");
        const artist = entry(list, ARTIST_ONE.name);
        expect(await artist.count()).toBe(1);
        // The "Via label" badge, naming the label; and the artist's own confirmation.
        const via = artist.locator(".badge-via_label");
        expect(await via.textContent()).toBe(`Via ${LABEL.name}`);
        expect(await via.getAttribute("title")).toMatch(/^Listed by a label with a confirmed domain/);
        expect(await artist.locator(".badge").allTextContents()).toContain("Confirmed by the artist");
        expect(await artist.locator(".details").textContent()).toContain(`via ${LABEL.name}`);
        expect(await visitor.page.locator("body").textContent()).not.toContain(ARTIST_TWO.name);
        expect(await list.locator(":scope > li").count()).toBe(2);

        const res = await visitor.context.request.get(`${server.url}/api/v1/signatures?limit=200`);
        expect(res.status()).toBe(200);
        const { data } = (await res.json()) as { data: { name: string; kind: string; label: string | null; badges: string[] }[] };
        expect(data.map((d) => d.name).sort()).toEqual([ARTIST_ONE.name, LABEL.name].sort());
        expect(data.find((d) => d.name === LABEL.name)).toMatchObject({ kind: "label", badges: expect.arrayContaining(["label_domain_confirmed"]) });
        expect(data.find((d) => d.name === ARTIST_ONE.name)).toMatchObject({
          kind: "roster",
          label: LABEL.name,
          badges: expect.arrayContaining(["via_label", "artist_confirmed"]),
        });
        expect(JSON.stringify(data)).not.toContain(ARTIST_TWO.name);
        expectQuiet(...everyone);
      });
    } finally {
      for (const p of everyone) await p.context.close();
      await annotate(`${((performance.now() - started) / 1000).toFixed(1)} s: ${times.join(" s, ")} s`);
    }
  }, 120_000);
});
