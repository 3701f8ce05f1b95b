import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../app/domain/auth/users.server";
import { launchChromium } from "../support/browser";
import { setupTestDatabase } from "../support/db";
import { drainUntilSettled, standinWorker } from "../support/outbox";
import { startResendStandin, type ResendStandin } from "../support/resend-standin";
import { startTestServer, type TestServer } from "../support/server";
import { registerCurrentLetter, sign } from "../support/signatures";

const t = setupTestDatabase();
let server: TestServer;
let standin: ResendStandin;
let browser: Browser;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  standin = await startResendStandin({ apiKey: "re_test_key" });
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await standin?.close();
});

describe("in Chromium", () => {
  it("a moderator signs in through the emailed link and approves a signature", async () => {
    const moderatorEmail = "e2e.moderator@countersign.test";
    const { id: moderatorId } = await addUser(t.db, moderatorEmail, "moderator");
    const outcome = await sign(t.db, { displayName: "Chromium Test Band" });
    if (outcome.kind !== "created") throw new Error("expected a signature");
    await t.db.updateTable("signatures").set({ state: "pending" }).where("id", "=", outcome.signatureId).execute();

    const page = await browser.newPage();
    await page.goto(`${server.url}/admin`);
    expect(new URL(page.url()).pathname).toBe("/admin/login");
    await page.getByLabel("Email").fill(moderatorEmail);
    await page.getByRole("button", { name: "Email me a sign-in link" }).click();
    await page.getByRole("heading", { name: "Check your inbox" }).waitFor();

    await drainUntilSettled(t.db, standinWorker(t.db, standin));
    const email = standin.emails.find((e) => e.to.includes(moderatorEmail));
    const link = /href="http:\/\/letters\.test(\/admin\/login\/[A-Za-z0-9_-]{43})"/.exec(email?.html ?? "")?.[1];
    expect(link).toBeTruthy();

    await page.goto(`${server.url}${link}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${server.url}/admin`);
    const item = page.locator(`[data-signature="${outcome.signatureId}"]`);
    // Waits (up to 30 s) for the queue to render the pending signature.
    await item.getByRole("link", { name: "Chromium Test Band" }).waitFor();

    await item.getByRole("button", { name: "Approve" }).click();
    await page.getByText("Done: now approved.").waitFor();

    const row = await t.db.selectFrom("signatures").select(["state", "decided_by"]).where("id", "=", outcome.signatureId).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "approved", decided_by: moderatorId });
    await page.close();
  }, 60_000);
});
