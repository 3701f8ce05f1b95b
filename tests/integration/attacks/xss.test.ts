import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decide, recordIdentityCheck } from "../../../app/domain/moderation/decide.server";
import { addNotableName } from "../../../app/domain/moderation/notable.server";
import { confirmByToken } from "../../../app/domain/signatures/confirm.server";
import { userWithSession } from "../../support/auth";
import { launchChromium } from "../../support/browser";
import { setupTestDatabase } from "../../support/db";
import { startTestServer, type TestServer } from "../../support/server";
import { lastEmailTo, registerCurrentLetter, sign, uniqueEmail } from "../../support/signatures";

/**
 * Attack catalogue: stored XSS. A payload is stored in every text field a person or moderator can
 * fill — written straight into the database, past the form's rules, so this tests the rendering and
 * not the validation — and every page that shows that field is opened in Chromium. Each payload,
 * if it ran, would set window.__xss and open a dialog. Neither may happen, no element the payload
 * describes may exist, and the payload must be on the page as text (so the page really showed it).
 */
const t = setupTestDatabase();
let server: TestServer;
let browser: Browser;
let context: BrowserContext;

const MARK = "XSSMARK";
const payload = (field: string) => `${MARK}-${field}<img src=x onerror="window.__xss=1;alert(1)"><svg onload=alert(2)>`;
type Field = "display_name" | "private_name" | "link" | "comment" | "note" | "identity" | "notable" | "query" | "next";

let signatureId = "";
let confirmToken = "";
let manageToken = "";
let approvedId = "";

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  const moderator = await userWithSession(t.db, "admin");
  // One signature awaiting moderation, one approved (public), one unconfirmed (its confirm page).
  const make = async () => {
    const email = uniqueEmail("xss");
    const outcome = await sign(t.db, { email, displayName: "Placeholder Name" });
    if (outcome.kind !== "created") throw new Error("expected a signature");
    return { id: outcome.signatureId, email, token: (await lastEmailTo(t.db, email))!.props.token! };
  };
  const pending = await make();
  await confirmByToken(t.db, pending.token);
  manageToken = (await lastEmailTo(t.db, pending.email))!.props.manageToken!;
  signatureId = pending.id;
  const approved = await make();
  await confirmByToken(t.db, approved.token);
  approvedId = approved.id;
  const unconfirmed = await make();
  confirmToken = unconfirmed.token;
  for (const id of [pending.id, approved.id, unconfirmed.id]) {
    await t.db
      .updateTable("signatures")
      .set({
        display_name: payload("display_name"),
        private_name: payload("private_name"),
        link: `javascript:alert(1)//${payload("link")}`,
        comment: payload("comment"),
      })
      .where("id", "=", id)
      .execute();
  }
  await decide(t.db, { signatureId: approved.id, decision: "approve", expectedState: "pending", actorId: moderator.id });
  await decide(t.db, { signatureId: approved.id, decision: "hide", expectedState: "approved", actorId: moderator.id, reason: "other", note: payload("note") });
  // Whatever hide leads to, put it back on the public list (the note stays in its history).
  await t.db.updateTable("signatures").set({ state: "approved", approved_at: new Date() }).where("id", "=", approved.id).execute();
  await recordIdentityCheck(t.db, pending.id, payload("identity"), moderator.id);
  await addNotableName(t.db, payload("notable"), moderator.id);

  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  browser = await launchChromium();
  context = await browser.newContext();
  const [name, value] = moderator.cookie.split("=") as [string, string];
  await context.addCookies([{ name, value, url: server.url }]);
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

/** Opens a page and reports what ran: dialogs, the window flag, injected elements, and the text shown. */
async function visit(page: Page, path: string) {
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const res = await page.goto(`${server.url}${path}`, { waitUntil: "load" });
  // Give anything scheduled (hydration, onerror of a broken image) its chance.
  await page.waitForTimeout(300);
  const found = await page.evaluate(() => ({
    flag: (window as unknown as { __xss?: number }).__xss ?? null,
    injected: document.querySelectorAll('img[src="x"], svg[onload], [onerror], script:not([src]):not([nonce]):not([type])').length,
    text: document.body?.innerText ?? document.documentElement.textContent ?? "",
    values: [...document.querySelectorAll("input, textarea")].map((el) => (el as HTMLInputElement).value).join("\n"),
  }));
  return { status: res?.status(), dialogs, ...found };
}

describe("stored XSS, rendered in Chromium", { timeout: 120_000 }, () => {
  it("the detector works: the same payload in a page without escaping does run", async () => {
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setContent(payload("control"));
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBe(1);
    expect(dialogs.length).toBeGreaterThan(0);
    await page.close();
  });

  // Every page that shows a stored text field, and which fields it shows.
  const pages: [string, () => string, Field[]][] = [
    ["the public list", () => "/signatures", ["display_name"]],
    ["a public search", () => "/signatures?q=placeholder", ["display_name"]],
    ["a search echoing its query (reflected)", () => `/signatures?q=${encodeURIComponent(payload("query"))}`, ["query"]],
    ["the sign-in page echoing next (reflected)", () => `/admin/login?next=${encodeURIComponent(`/admin/${payload("next")}`)}`, []],
    ["the moderation queue", () => "/admin?state=pending", ["display_name", "private_name"]],
    ["the approved queue", () => "/admin?state=approved", ["display_name", "private_name"]],
    ["a signature's details", () => `/admin/signatures/${signatureId}`, ["display_name", "private_name", "link", "comment", "identity"]],
    ["an approved signature's history", () => `/admin/signatures/${approvedId}`, ["display_name", "note"]],
    ["the notable names", () => "/admin/notable", ["notable"]],
    ["the confirm page", () => `/confirm/${confirmToken}`, ["display_name", "link", "comment"]],
    ["the manage page (form values)", () => `/manage/${manageToken}`, ["display_name", "link", "comment"]],
  ];
  for (const [label, path, fields] of pages) {
    it(`${label}: ${fields.join(", ")} shown as text, no script runs, no dialog opens`, async () => {
      const page = await context.newPage();
      const seen = await visit(page, path());
      expect(seen.status, label).toBe(200);
      expect(seen.dialogs, label).toEqual([]);
      expect(seen.flag, label).toBeNull();
      expect(seen.injected, label).toBe(0);
      for (const field of fields) expect(`${seen.text}\n${seen.values}`, `${label}: ${field}`).toContain(payload(field));
      await page.close();
    });
  }

  it("the Atom feed (XML, read by feed readers, not a browser) escapes the stored name", async () => {
    const xml = await (await fetch(`${server.url}/signatures.atom`)).text();
    expect(xml).toContain(`<title>${MARK}-display_name&lt;img src=x onerror=&quot;`);
    expect(xml).not.toContain("<img");
    expect(xml).not.toContain("<svg");
  });
});
