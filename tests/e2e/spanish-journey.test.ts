import { readFileSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, stepsFor, waitForHydration, watchErrors } from "../support/browser";
import { setupTestDatabase } from "../support/db";
import { drainUntilSettled, standinWorker } from "../support/outbox";
import { startResendStandin, type ResendStandin } from "../support/resend-standin";
import { startTestServer, type TestServer } from "../support/server";
import { uniqueEmail } from "../support/signatures";

/**
 * A visitor whose browser speaks Spanish, in Chromium, with JavaScript and without: the Spanish
 * letter → signs through the Spanish form (a field message in Spanish first) → the Spanish email
 * from the Resend stand-in → its link → "Confirmar mi firma" → the Spanish confirmation page. The
 * signature records `es` and the Spanish version; the browser logs no error (a hydration mismatch
 * between the server's and the browser's Spanish would be one).
 */

const t = setupTestDatabase();
let server: TestServer;
let standin: ResendStandin;
let browser: Browser;

const spanishTitle = /^# (.+)$/m.exec(readFileSync("content/letters/spotify-ice.es.md", "utf8"))![1]!;

beforeAll(async () => {
  standin = await startResendStandin({ apiKey: "re_test_key" });
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await standin?.close();
});

interface Visitor {
  page: Page;
  context: BrowserContext;
  watch: ReturnType<typeof watchErrors>;
}

async function spanishVisitor(js: boolean): Promise<Visitor> {
  // Chromium's locale is what it sends as Accept-Language.
  const context = await browser.newContext({ javaScriptEnabled: js, locale: "es-ES", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  return { page, context, watch: watchErrors(page) };
}

describe.each([
  ["on", true],
  ["off", false],
] as const)("a Spanish-speaking artist in Chromium, JavaScript %s", (label, js) => {
  it("signs in Spanish, gets the Spanish email, confirms, and sees the Spanish confirmation page", async ({ task }) => {
    const step = stepsFor(task);
    const visitor = await spanishVisitor(js);
    const { page } = visitor;
    const email = uniqueEmail(`spanish-js-${label}`);
    const name = `Banda del Sur JS ${label} ${Date.now().toString(36)}`;
    const hydrated = async () => {
      if (js) await waitForHydration(page);
    };
    const quiet = () => expect(visitor.watch.problems, `errors in the browser at ${page.url()}`).toEqual([]);

    try {
      await step(page, "la carta", async () => {
        const answer = await page.goto(server.url);
        expect(answer?.headers()["content-language"]).toBe("es");
        await page.getByRole("heading", { level: 1, name: spanishTitle }).waitFor();
        expect(await page.locator("html").getAttribute("lang")).toBe("es");
        await page.getByRole("link", { name: "Read this letter in English" }).waitFor();
        await hydrated();
        quiet();
      });

      const form = page.getByRole("region", { name: "Añade tu nombre" });
      await step(page, "un error en español", async () => {
        await form.scrollIntoViewIfNeeded();
        await form.getByLabel("Correo electrónico").fill("no-es-una-direccion");
        // With JavaScript the field is checked as it loses focus (the message moves the button down).
        await form.getByLabel("Correo electrónico").blur();
        if (js) await form.getByText("Introduce una dirección de correo válida, como nombre@ejemplo.org").waitFor();
        await page.getByRole("button", { name: "Firmar la carta" }).click();
        await form.getByText("Introduce una dirección de correo válida, como nombre@ejemplo.org").waitFor();
        await form.getByText("Introduce el nombre que se mostrará en la carta").waitFor();
        expect(await t.db.selectFrom("signatures").select("id").where("email", "=", email).executeTakeFirst()).toBeUndefined();
        visitor.watch.reset();
      });

      await step(page, "el formulario, rellenado por sus etiquetas", async () => {
        await form.getByLabel("Nombre que se mostrará").fill(name);
        await form.getByLabel("Rol", { exact: true }).selectOption({ label: "Productor/a" });
        await form.getByLabel("País", { exact: true }).selectOption({ label: "España" });
        await form.getByLabel("Correo electrónico").fill(email);
        await form.getByLabel("Soy este artista, o estoy autorizado/a para firmar en su nombre.").check();
        await form.getByLabel("Mostrar este nombre públicamente en la carta.").check();
      });

      await step(page, "enviado: revisa tu correo", async () => {
        await page.getByRole("button", { name: "Firmar la carta" }).click();
        await page.waitForURL(`${server.url}/signed`);
        await page.getByRole("heading", { level: 1, name: "Revisa tu correo" }).waitFor();
        expect(await page.title()).toBe("Revisa tu correo · Countersign");
        const row = await t.db
          .selectFrom("signatures as s")
          .innerJoin("letter_versions as v", "v.id", "s.letter_version_id")
          .select(["s.state", "s.language", "v.language as version", "v.title"])
          .where("s.email", "=", email)
          .executeTakeFirstOrThrow();
        expect(row).toEqual({ state: "unconfirmed", language: "es", version: "es", title: spanishTitle });
        quiet();
      });

      let link = "";
      await step(page, "el correo en español, desde el stand-in de Resend", async () => {
        // The emails' links point at this server, so the browser can follow them.
        await drainUntilSettled(t.db, standinWorker(t.db, standin, { appUrl: server.url }));
        const sent = standin.emails.filter((e) => e.to.includes(email)).at(-1);
        expect(sent?.subject).toBe(`Confirma tu firma: ${spanishTitle}`);
        expect(sent?.html).toContain(`Confirma tu firma, ${name}`);
        expect(sent?.text).toContain("Revisar y confirmar");
        link = new RegExp(`href="(${server.url.replace(/[.:/]/g, "\\$&")}/confirm/[A-Za-z0-9_-]{43})"`).exec(sent?.html ?? "")?.[1] ?? "";
        expect(link).not.toBe("");
      });

      await step(page, "el enlace del correo", async () => {
        await page.goto(link);
        await page.getByRole("heading", { level: 1, name: "Confirma tu firma" }).waitFor();
        expect(await page.locator(".facts").textContent()).toContain("España");
        // Opening the link changes nothing.
        expect((await t.db.selectFrom("signatures").select("state").where("email", "=", email).executeTakeFirst())?.state).toBe("unconfirmed");
        await hydrated();
        quiet();
      });

      await step(page, "confirmada", async () => {
        await page.getByRole("button", { name: "Confirmar mi firma" }).click();
        await page.getByRole("heading", { level: 1, name: "Tu firma está confirmada" }).waitFor();
        await page.getByText("Qué pasa ahora: un moderador revisa tu nombre").waitFor();
        expect((await t.db.selectFrom("signatures").select("state").where("email", "=", email).executeTakeFirst())?.state).toBe("pending");
        await drainUntilSettled(t.db, standinWorker(t.db, standin, { appUrl: server.url }));
        expect(standin.emails.filter((e) => e.to.includes(email)).at(-1)?.subject).toBe(`Tu firma está confirmada: ${spanishTitle}`);
        quiet();
      });

      await step(page, "el cambio de idioma, recordado", async () => {
        await page.getByRole("button", { name: "English" }).click();
        await page.getByRole("heading", { level: 1, name: "Your signature is confirmed" }).waitFor();
        await page.goto(server.url);
        await page.getByRole("heading", { level: 1, name: "Stop running ICE recruitment ads on Spotify" }).waitFor();
        expect(await page.locator("html").getAttribute("lang")).toBe("en");
        await hydrated();
        quiet();
      });
    } finally {
      await visitor.context.close();
    }
  }, 120_000);
});
