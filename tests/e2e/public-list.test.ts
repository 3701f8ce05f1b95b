import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshRollup } from "../../app/domain/public-list/rollup.server";
import { takeDailySnapshot } from "../../app/domain/public-list/snapshots.server";
import { axeFindings, launchChromium } from "../support/browser";
import { setupTestDatabase } from "../support/db";
import { addLabel, seedSignatures } from "../support/public-list";
import { startTestServer, type TestServer } from "../support/server";
import { registerCurrentLetter } from "../support/signatures";

const DAY = 86_400;
/** The text the totals show once the browser counts the seconds (before: "updated at HH:MM:SS UTC"). */
const AGO = /^updated (just now|\d+ seconds ago|\d+ minutes ago)$/;

const t = setupTestDatabase();
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  const letter = await registerCurrentLetter(t.db);
  const label = await addLabel(t.db, "Smalltown Supersound", `smalltown-${Date.now().toString(36)}.test`);
  await seedSignatures(t.db, letter, [
    { name: "Björk Guðmundsdóttir", kind: "artist", role: "musician", country: "IS", approvedSecondsAgo: 3 * DAY, identityCheck: "passed" },
    { name: "Bjørk Hansen", kind: "artist", role: "songwriter", country: "NO", approvedSecondsAgo: 2 * DAY },
    // Matches the search but not the kind chosen, or is not public at all.
    { name: "Björk Covers Collective", kind: "roster", role: "musician", country: "GB", labelId: label, approvedSecondsAgo: DAY },
    { name: "Bjork Waiting Room", kind: "artist", state: "pending" },
    // Neither.
    { name: "Smalltown Supersound", kind: "label", role: "other", country: "NO", labelId: label, approvedSecondsAgo: 4 * DAY },
    { name: "Nils Frahm", kind: "artist", role: "producer", country: "DE", approvedSecondsAgo: 5 * DAY, featured: true },
    { name: "Ólafur Arnalds", kind: "artist", role: "musician", country: "IS", approvedSecondsAgo: 600 },
  ]);
  await refreshRollup(t.db, letter.letterId);
  const snapshot = await takeDailySnapshot(t.db, letter.letterId);
  if (!snapshot) throw new Error("expected a snapshot row");
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function withContext<T>(options: Parameters<Browser["newContext"]>[0], fn: (page: Page, context: BrowserContext) => Promise<T>): Promise<T> {
  const context = await browser.newContext(options);
  try {
    return await fn(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

/** The totals' note, once React has hydrated and replaced the server's clock time. */
async function waitForHydratedTotals(page: Page) {
  const time = page.locator(".count-card time");
  await time.waitFor({ timeout: 15_000 });
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector(".count-card time")?.textContent?.trim() ?? ""), AGO.source, {
    timeout: 15_000,
  });
  return time;
}

const activeElement = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    return {
      id: el.id,
      tag: el.tagName.toLowerCase(),
      type: el.getAttribute("type"),
      text: el.textContent?.trim() ?? "",
      value: "value" in el ? String(el.value) : null,
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineWidth,
    };
  });

/** Presses Tab until the focused element passes `done`; fails after `max` presses. Every stop must show its focus. */
async function tabUntil(page: Page, done: (el: NonNullable<Awaited<ReturnType<typeof activeElement>>>) => boolean, max = 30) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const el = await activeElement(page);
    if (!el) continue;
    expect(el.outlineStyle, `focus on <${el.tag} id="${el.id}"> "${el.text.slice(0, 40)}" has no visible outline`).not.toBe("none");
    if (done(el)) return el;
  }
  throw new Error(`focus did not arrive after ${max} presses of Tab`);
}

describe("the public pages in Chromium", () => {
  // axe at 390 and 1280 px on these pages (and every other): tests/e2e/every-page.test.ts.
  it("a bad filter says why next to its field; /press lists the snapshot, draws the chart and explains the marks", async () => {
    await withContext({ viewport: { width: 1280, height: 900 } }, async (page) => {
      expect((await page.goto(`${server.url}/signatures?q=zz&country=XX`))?.status()).toBe(400);
      await waitForHydratedTotals(page);
      await expect(page.locator("#country-error").textContent()).resolves.toContain("Choose a country");
      expect((await page.goto(`${server.url}/press`))?.status()).toBe(200);
      await waitForHydratedTotals(page);
      expect(await page.locator("table.snapshots tbody tr").count()).toBe(1);
      expect(await page.locator(".chart-svg").count()).toBe(1);
      expect(await page.locator(".badge-glossary dt").count()).toBeGreaterThan(0);
    });
  }, 60_000);

  it("axe is really checking these pages: a planted fault is reported", async () => {
    await withContext({ viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${server.url}/press`);
      await waitForHydratedTotals(page);
      await page.evaluate(() => {
        const img = document.createElement("img");
        img.src = "/favicon.svg";
        document.querySelector("main")?.append(img);
      });
      const findings = await axeFindings(page);
      expect(findings).toContainEqual(expect.objectContaining({ id: "image-alt", impact: "critical", targets: ["img"] }));
    });
  }, 60_000);

  it("searching and filtering the list works from the keyboard alone", async () => {
    await withContext({ viewport: { width: 1280, height: 900 } }, async (page) => {
      await page.goto(`${server.url}/signatures`);
      await waitForHydratedTotals(page);

      const search = await tabUntil(page, (el) => el.id === "q");
      expect(search.tag).toBe("input");
      expect(search.outlineStyle).not.toBe("none");
      expect(search.outlineWidth).not.toBe("0px");
      await page.keyboard.type("bjork");

      const kind = await tabUntil(page, (el) => el.id === "kind", 3);
      expect(kind.value).toBe("");
      await page.keyboard.press("ArrowDown");
      expect((await activeElement(page))?.value).toBe("artist");

      const show = await tabUntil(page, (el) => el.tag === "button" && el.type === "submit", 10);
      expect(show.text).toBe("Show");
      await page.keyboard.press("Enter");

      await page.waitForURL((url) => url.searchParams.get("q") === "bjork" && url.searchParams.get("kind") === "artist", { timeout: 15_000 });
      const names = page.locator('[data-testid="signature-list"] .name');
      await expect.poll(async () => (await names.allTextContents()).sort(), { timeout: 15_000 }).toEqual(["Bjørk Hansen", "Björk Guðmundsdóttir"].sort());
      expect(new URL(page.url()).searchParams.get("q")).toBe("bjork");
      // The form shows what was asked for.
      expect(await page.locator("#q").inputValue()).toBe("bjork");
      expect(await page.locator("#kind").inputValue()).toBe("artist");
    });
  }, 60_000);

  it("the totals say when they were counted, then count the seconds once hydrated", async () => {
    const rollup = await t.db.selectFrom("public_rollups").select("refreshed_at").executeTakeFirstOrThrow();
    const iso = rollup.refreshed_at.toISOString();
    const clock = iso.slice(11, 19);

    // Without script, the server's words stay: the exact time, in UTC.
    await withContext({ javaScriptEnabled: false }, async (page) => {
      await page.goto(`${server.url}/signatures`);
      const time = page.locator(".count-card time");
      expect(await time.getAttribute("datetime")).toBe(iso);
      expect((await time.textContent())?.trim()).toBe(`updated at ${clock} UTC`);
    });

    await withContext({}, async (page) => {
      await page.goto(`${server.url}/signatures`);
      const time = await waitForHydratedTotals(page);
      expect(await time.getAttribute("datetime")).toBe(iso);
      expect((await time.textContent())?.trim()).toMatch(AGO);
    });
  }, 60_000);
});
