import { sql } from "kysely";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueSignIn } from "../../app/domain/auth/login.server";
import { addUser } from "../../app/domain/auth/users.server";
import { addNotableName } from "../../app/domain/moderation/notable.server";
import { refreshRollup } from "../../app/domain/public-list/rollup.server";
import { takeDailySnapshot } from "../../app/domain/public-list/snapshots.server";
import { confirmByToken } from "../../app/domain/signatures/confirm.server";
import { userWithSession } from "../support/auth";
import { axeFindings, describeFindings, isBlocking, launchChromium, stepsFor, waitForHydration, watchErrors } from "../support/browser";
import { labelWithRep } from "../support/labels";
import { saveRoster } from "../../app/domain/labels/roster.server";
import { startSession } from "../../app/utils/session.server";
import { parseEnv } from "../../app/utils/env.server";
import type { AppLoadContext } from "@remix-run/node";
import { setupTestDatabase } from "../support/db";
import { seedSignatures } from "../support/public-list";
import { startTestServer, type TestServer } from "../support/server";
import { lastEmailTo, registerCurrentLetter, sign, uniqueEmail } from "../support/signatures";

/**
 * Every page a visitor, a signer or a moderator can reach, at a phone's width and a laptop's: axe
 * finds nothing serious or critical, and the browser logs no error (React's hydration mismatches
 * included) from the first byte until React has hydrated.
 */

/** Longer than Playwright's own 30 s, so a stuck step fails inside it, with its screenshot. */
const TIMEOUT = 90_000;
/** Phone, then laptop. */
const WIDTHS = [390, 1280] as const;
const BOGUS_TOKEN = "A".repeat(43);

interface Visit {
  name: string;
  path: () => string;
  status: number;
  heading: string | RegExp;
  /** Who opens it: a visitor (no cookie) or an admin (signed in). */
  as: "visitor" | "admin" | "rep";
  /** A text the hydrated page still shows. */
  shows?: string;
}

const t = setupTestDatabase();
let server: TestServer;
let browser: Browser;
const fixture = { confirmToken: "", manageToken: "", pendingId: "", loginToken: "", rosterToken: "" };

const VISITS: Visit[] = [
  { name: "the letter", path: () => "/", status: 200, heading: "Stop running ICE recruitment ads on Spotify", as: "visitor" },
  { name: "who signed", path: () => "/signatures", status: 200, heading: "Who signed", as: "visitor" },
  {
    name: "who signed, filtered",
    path: () => "/signatures?q=bjork&kind=artist&role=musician&country=IS&sort=az",
    status: 200,
    heading: "Who signed",
    as: "visitor",
  },
  { name: "who signed, a bad filter", path: () => "/signatures?country=XX&sort=nope", status: 400, heading: "Who signed", as: "visitor" },
  { name: "press", path: () => "/press", status: 200, heading: /press/i, as: "visitor" },
  { name: "check your inbox", path: () => "/signed", status: 200, heading: "Check your inbox", as: "visitor" },
  { name: "confirm with a code", path: () => "/confirm", status: 200, heading: "Confirm with a code", as: "visitor" },
  { name: "confirm link", path: () => `/confirm/${fixture.confirmToken}`, status: 200, heading: "Confirm your signature", as: "visitor" },
  { name: "confirm link, not valid", path: () => `/confirm/${BOGUS_TOKEN}`, status: 404, heading: "This link is not valid", as: "visitor" },
  { name: "manage link", path: () => `/manage/${fixture.manageToken}`, status: 200, heading: "Manage your signature", as: "visitor" },
  { name: "manage link, not valid", path: () => `/manage/${BOGUS_TOKEN}`, status: 404, heading: "This link is not valid", as: "visitor" },
  { name: "a broken address", path: () => "/confirm/%E0%A4%A", status: 400, heading: "This address is not valid", as: "visitor" },
  { name: "not found", path: () => "/no-such-page", status: 404, heading: "Page not found", as: "visitor" },
  { name: "moderator sign-in", path: () => "/admin/login", status: 200, heading: "Sign in", as: "visitor" },
  { name: "moderator sign-in link", path: () => `/admin/login/${fixture.loginToken}`, status: 200, heading: "Sign in", as: "visitor" },
  // The cluster hint: server-only before (the browser dropped it while hydrating: React's #418).
  {
    name: "moderation queue",
    path: () => "/admin",
    status: 200,
    heading: /^Pending signatures \(\d+\)$/,
    as: "admin",
    shows: "from @private-mail.test today",
  },
  { name: "moderation queue, quarantined", path: () => "/admin?state=quarantined", status: 200, heading: /^Quarantined signatures/, as: "admin" },
  { name: "moderation queue, approved", path: () => "/admin?state=approved&order=newest", status: 200, heading: /^Approved signatures/, as: "admin" },
  { name: "a signature", path: () => `/admin/signatures/${fixture.pendingId}`, status: 200, heading: "Sound Check Collective", as: "admin" },
  { name: "a signature that does not exist", path: () => "/admin/signatures/999999999", status: 404, heading: "Page not found", as: "admin" },
  { name: "bulk actions", path: () => "/admin/bulk?emailDomain=example.org", status: 200, heading: "Bulk actions and invalidation", as: "admin" },
  { name: "notable names", path: () => "/admin/notable", status: 200, heading: "Notable names", as: "admin" },
  { name: "moderators", path: () => "/admin/moderators", status: 200, heading: "Moderators", as: "admin" },
  { name: "trending", path: () => "/admin/trending", status: 200, heading: "Signatures in the last hour", as: "admin" },
  { name: "snapshots", path: () => "/admin/snapshots", status: 200, heading: "Snapshots", as: "admin" },
  { name: "labels (moderators)", path: () => "/admin/labels", status: 200, heading: "Labels", as: "admin" },
  { name: "campaign", path: () => "/admin/campaign", status: 200, heading: "Campaign", as: "admin" },
  { name: "join as a label", path: () => "/labels/join", status: 200, heading: "Join as a label", as: "visitor" },
  { name: "label code confirmation", path: () => "/labels/confirm", status: 200, heading: "Confirm your label address with a code", as: "visitor" },
  { name: "label join link, not valid", path: () => `/labels/confirm/${BOGUS_TOKEN}`, status: 404, heading: "This link does not work", as: "visitor" },
  { name: "the rep's label page", path: () => "/label", status: 200, heading: "Sweep Records", as: "rep" },
  { name: "a listed artist's link", path: () => `/roster/${fixture.rosterToken}`, status: 200, heading: "Sweep Records listed Listed Artist", as: "visitor" },
];

let adminCookie = "";
let repCookie = "";

beforeAll(async () => {
  const letter = await registerCurrentLetter(t.db);
  await seedSignatures(t.db, letter, [
    { name: "Björk Guðmundsdóttir", role: "musician", country: "IS", approvedSecondsAgo: 3 * 86_400, identityCheck: "passed" },
    { name: "Nils Frahm", role: "producer", country: "DE", approvedSecondsAgo: 86_400, featured: true },
    { name: "Bjork Waiting Room", state: "pending" },
    { name: "Quarantined Quartet", state: "quarantined" },
    // Enough from one email domain today for the queue's cluster hint (CLUSTER_HINT).
    ...["One", "Two", "Three", "Four", "Five"].map((n) => ({ name: `Cluster Band ${n}`, state: "pending" as const })),
  ]);
  await refreshRollup(t.db, letter.letterId);
  await takeDailySnapshot(t.db, letter.letterId);

  // A signature waiting to be confirmed, and one confirmed (pending moderation, with a manage link).
  const waiting = uniqueEmail("waiting");
  await sign(t.db, { displayName: "Waiting For The Link", email: waiting });
  fixture.confirmToken = (await lastEmailTo(t.db, waiting))!.props.token!;
  const confirmed = uniqueEmail("confirmed");
  const signed = await sign(t.db, { displayName: "Sound Check Collective", email: confirmed, link: "https://example.org/music", comment: "Hello." });
  if (signed.kind !== "created") throw new Error("expected a new signature");
  fixture.pendingId = signed.signatureId;
  await confirmByToken(t.db, (await lastEmailTo(t.db, confirmed))!.props.token!);
  fixture.manageToken = (await lastEmailTo(t.db, confirmed))!.props.manageToken!;

  const admin = await userWithSession(t.db, "admin");
  adminCookie = admin.cookie;
  await addUser(t.db, "second.moderator@countersign.test", "moderator");
  await addNotableName(t.db, "Famous Person", admin.id);
  const moderator = await addUser(t.db, "link.moderator@countersign.test", "moderator");
  fixture.loginToken = (await issueSignIn(t.db, "link.moderator@countersign.test"))!.token;
  void moderator;

  // A label with a rep, one roster entry whose artist was emailed.
  const rep = await labelWithRep(t.db, { name: "Sweep Records" });
  repCookie = await cookieFor(rep.userId);
  const saved = await saveRoster(t.db, { userId: rep.userId, email: rep.email, name: "Rep", labelId: rep.labelId }, letter, [
    { displayName: "Listed Artist", role: "musician", country: "FR", artistEmail: "listed.artist@example.org" },
  ]);
  if (saved.status !== "saved") throw new Error("expected the roster entry");
  fixture.rosterToken = (await lastEmailTo(t.db, "listed.artist@example.org"))!.props.token!;

  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function cookieFor(userId: string): Promise<string> {
  const context = { db: t.db, env: parseEnv({ APP_ENV: "test", APP_URL: "http://letters.test" }) } as unknown as AppLoadContext;
  return (await startSession(context, userId)).split(";", 1)[0]!;
}

/** A browser far from the server's UTC and English, so a date or number formatted by locale or time zone would differ. */
const BROWSER_LOCALE = { timezoneId: "America/Los_Angeles", locale: "de-DE" } as const;

async function contextFor(as: Visit["as"]): Promise<BrowserContext> {
  const context = await browser.newContext({ ...BROWSER_LOCALE, viewport: { width: WIDTHS[1], height: 900 } });
  if (as !== "visitor") {
    const [name, value] = (as === "admin" ? adminCookie : repCookie).split("=") as [string, string];
    await context.addCookies([{ name, value, url: server.url, httpOnly: true, sameSite: "Lax" }]);
  }
  return context;
}

type Watch = ReturnType<typeof watchErrors>;
type Step = ReturnType<typeof stepsFor>;

/**
 * Opens `path` at 1280 px and waits for hydration; checks its status and heading, that the browser
 * logged no error, and axe; then narrows the same page to 390 px (CSS reflows it; no script here
 * reads the width) and runs axe again. A screenshot at each width.
 */
async function checkPage(page: Page, watch: Watch, step: Step, visit: { path: string; status: number; heading: string | RegExp; shows?: string }) {
  const url = `${server.url}${visit.path}`;
  await step(page, `${WIDTHS[1]}px`, async () => {
    await page.setViewportSize({ width: WIDTHS[1], height: 900 });
    watch.reset({ url, status: visit.status });
    const response = await page.goto(url);
    expect(response?.status(), `status of ${visit.path}`).toBe(visit.status);
    await waitForHydration(page);
    const h1 = (await page.locator("h1").first().textContent())?.trim() ?? "";
    if (typeof visit.heading === "string") expect(h1).toBe(visit.heading);
    else expect(h1).toMatch(visit.heading);
    if (visit.shows) expect(await page.getByText(visit.shows).count(), `"${visit.shows}" on ${visit.path}`).toBeGreaterThan(0);
    await expectNoBlockingAxe(page, `${visit.path} at ${WIDTHS[1]} px`);
    expect(watch.problems, `errors in the browser on ${visit.path}`).toEqual([]);
  });
  await step(page, `${WIDTHS[0]}px`, async () => {
    await page.setViewportSize({ width: WIDTHS[0], height: 900 });
    await expectNoBlockingAxe(page, `${visit.path} at ${WIDTHS[0]} px`);
    expect(watch.problems, `errors in the browser on ${visit.path}`).toEqual([]);
  });
}

async function expectNoBlockingAxe(page: Page, where: string) {
  const blocking = (await axeFindings(page)).filter(isBlocking);
  expect(blocking, `axe on ${where}:\n${describeFindings(blocking)}`).toEqual([]);
}

describe(`every page, at ${WIDTHS[1]} px and then ${WIDTHS[0]} px`, () => {
  const pages: Partial<Record<Visit["as"], { page: Page; watch: Watch }>> = {};
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    for (const as of ["visitor", "admin", "rep"] as const) {
      const context = await contextFor(as);
      contexts.push(context);
      const page = await context.newPage();
      pages[as] = { page, watch: watchErrors(page) };
    }
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
  });

  it.for(VISITS)("$name ($as): no serious or critical axe finding, no browser error", { timeout: TIMEOUT }, async (visit, { task }) => {
    const { page, watch } = pages[visit.as]!;
    await checkPage(page, watch, stepsFor(task), { ...visit, path: visit.path() });
  });

  it("an error page (the database refuses a query): 500, no serious or critical axe finding, no browser error", { timeout: TIMEOUT }, async ({ task }) => {
    const { page, watch } = pages.visitor!;
    // A real fault, not a mock: the table the totals are read from is away for this one request.
    await sql`alter table public_rollups rename to public_rollups_away`.execute(t.db);
    try {
      await checkPage(page, watch, stepsFor(task), { path: "/signatures", status: 500, heading: "Something went wrong" });
    } finally {
      await sql`alter table public_rollups_away rename to public_rollups`.execute(t.db);
    }
  });

  it("the error watch is really listening: a page whose server HTML differs from React's first render is reported", { timeout: TIMEOUT }, async ({ task }) => {
    const { page, watch } = pages.visitor!;
    const step = stepsFor(task);
    // The server's bytes are changed on the way to the browser, as a server-only value would change them.
    await page.route(`${server.url}/signed`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({
        response,
        body: (await response.text()).replace("<h1>Check your inbox</h1>", "<h1>Check your inbox</h1><p>only on the server</p>"),
      });
    });
    try {
      await step(page, "a planted hydration mismatch", async () => {
        watch.reset();
        await page.goto(`${server.url}/signed`);
        await waitForHydration(page);
        await expect.poll(() => watch.problems.join("\n")).toMatch(/Minified React error #(418|423|425)/);
      });
    } finally {
      await page.unroute(`${server.url}/signed`);
    }
  });
});
