import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { letterSha256, listLetterVersions, CURRENT_LETTER } from "../../../app/domain/letter/letter.server";
import { setupTestDatabase } from "../../support/db";
import { drainUntilSettled, standinWorker } from "../../support/outbox";
import { startResendStandin, type ResendStandin } from "../../support/resend-standin";
import { startTestServer, type TestServer } from "../../support/server";
import { uniqueEmail } from "../../support/signatures";

// The site in two languages over HTTP (decision 019): Accept-Language, the switch's cookie, a
// field message in Spanish, the Spanish letter as its own version, and a Spanish signature with
// its Spanish email.
const t = setupTestDatabase();
let server: TestServer;
let standin: ResendStandin;

beforeAll(async () => {
  standin = await startResendStandin({ apiKey: "re_test_key" });
  server = await startTestServer(t.database, { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback" });
});
afterAll(async () => {
  await server?.close();
  await standin?.close();
});

const spanishTitle = /^# (.+)$/m.exec(readFileSync("content/letters/spotify-ice.es.md", "utf8"))![1]!;
const englishTitle = /^# (.+)$/m.exec(readFileSync("content/letters/spotify-ice.md", "utf8"))![1]!;

let client = 0;
function get(path: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, { headers, redirect: "manual" });
}
function post(path: string, body: URLSearchParams, headers: Record<string, string> = {}) {
  const ip = `198.19.${Math.floor(++client / 250)}.${(client % 250) + 1}`;
  return fetch(`${server.url}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": ip, ...headers },
    redirect: "manual",
  });
}
const lang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

describe("the visitor's language", () => {
  it("Accept-Language: es gets the Spanish site and the Spanish letter; English stays the default", async () => {
    const es = await get("/", { "accept-language": "es-ES,es;q=0.9,en;q=0.5" });
    expect(es.status).toBe(200);
    const html = await es.text();
    expect(lang(html)).toBe("es");
    expect(es.headers.get("content-language")).toBe("es");
    expect(es.headers.get("vary")).toMatch(/Accept-Language/);
    expect(html).toContain(`<h1>${spanishTitle}</h1>`);
    expect(html).toContain("Pedimos a Spotify que:");
    expect(html).toContain("Añade tu nombre");
    expect(html).toContain(">La carta</a>");
    // A link to the other translation, and the switch.
    expect(html).toContain('href="/?lng=en"');
    expect(html).toContain('action="/language"');

    const en = await (await get("/")).text();
    expect(lang(en)).toBe("en");
    expect(en).toContain(`<h1>${englishTitle}</h1>`);
    expect(en).toContain("Add your name");
    expect(en).toContain('href="/?lng=es"');

    // A language the site does not have falls back to English.
    expect(lang(await (await get("/", { "accept-language": "fr-FR,fr;q=0.9" })).text())).toBe("en");
    // Other pages too: the list and the press page.
    const list = await (await get("/signatures", { "accept-language": "es" })).text();
    expect(list).toContain("<h1>Quién firmó</h1>");
    expect(list).toContain("<title>Quién firmó · Countersign</title>");
    const press = await (await get("/press", { "accept-language": "es" })).text();
    expect(press).toContain("<h1>Para la prensa</h1>");
  });

  it("the switch remembers the choice in a cookie, which wins over Accept-Language, without JavaScript", async () => {
    const switched = await post("/language", new URLSearchParams({ lng: "es", redirectTo: "/signatures?kind=artist" }), { origin: server.url });
    expect(switched.status).toBe(303);
    expect(switched.headers.get("location")).toBe("/signatures?kind=artist");
    const setCookie = switched.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^countersign_lang=/);
    expect(setCookie).toMatch(/Max-Age=31536000/);
    expect(setCookie).toMatch(/HttpOnly/);
    const cookie = setCookie.split(";")[0]!;

    const page = await (await get("/", { cookie, "accept-language": "en-US,en;q=0.9" })).text();
    expect(lang(page)).toBe("es");
    expect(page).toContain(`<h1>${spanishTitle}</h1>`);

    // And back to English.
    const back = await post("/language", new URLSearchParams({ lng: "en", redirectTo: "/" }), { origin: server.url, cookie });
    const english = back.headers.get("set-cookie")!.split(";")[0]!;
    expect(lang(await (await get("/", { cookie: english, "accept-language": "es" })).text())).toBe("en");

    // A redirect elsewhere is refused; an unknown language changes nothing.
    const away = await post("/language", new URLSearchParams({ lng: "es", redirectTo: "https://evil.example/" }), { origin: server.url });
    expect(away.headers.get("location")).toBe("/");
    const unknown = await post("/language", new URLSearchParams({ lng: "xx", redirectTo: "/press" }), { origin: server.url });
    expect(unknown.status).toBe(303);
    expect(unknown.headers.get("set-cookie")).toBeNull();
  });

  it("the render cache keeps one copy per language", async () => {
    const a = await (await get("/press", { "accept-language": "es" })).text();
    const b = await (await get("/press", { "accept-language": "en" })).text();
    const c = await (await get("/press", { "accept-language": "es" })).text();
    expect(lang(a)).toBe("es");
    expect(lang(b)).toBe("en");
    expect(lang(c)).toBe("es");
  });

  it("a refused form answers with its field messages in Spanish", async () => {
    const res = await post("/?index", new URLSearchParams({ displayName: "", role: "dj", country: "ES", email: "not-an-address" }), {
      "accept-language": "es",
    });
    expect(res.status).toBe(400);
    const html = (await res.text()).replace(/<!-- -->/g, "");
    expect(html).toContain("Introduce el nombre que se mostrará en la carta");
    expect(html).toContain("Introduce una dirección de correo válida, como nombre@ejemplo.org");
    expect(html).toContain("Confirma que eres este artista");
    expect(html).not.toContain("Enter the name to show on the letter");
    // The keys themselves never reach a page.
    expect(html).not.toMatch(/>name\.empty</);
  });

  it("the browser's text for a language is served under its tag, and an unknown language is a 404", async () => {
    const page = await (await get("/", { "accept-language": "es" })).text();
    const href = /<meta name="translations" content="([^"]+)"/.exec(page)?.[1];
    expect(href).toMatch(/^\/locales\/es\?v=[0-9a-f]{12}$/);
    const res = await get(href!);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("immutable");
    const json = (await res.json()) as Record<string, Record<string, unknown>>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["common", "sign", "errors", "countries"]));
    expect(json.emails).toBeUndefined();
    expect((json.countries as Record<string, string>).DE).toBe("Alemania");
    expect((await get("/locales/xx")).status).toBe(404);
  });
});

describe("the Spanish letter and a Spanish signature", () => {
  it("is its own version with its own hash, both registered as translations of one letter", async () => {
    const versions = await listLetterVersions(t.db, CURRENT_LETTER.slug);
    const es = versions.find((v) => v.language === "es");
    const en = versions.find((v) => v.language === "en");
    expect(es?.sha256).toBe(letterSha256(readFileSync("content/letters/spotify-ice.es.md", "utf8")));
    expect(en?.sha256).toBe(letterSha256(readFileSync("content/letters/spotify-ice.md", "utf8")));
    expect(es!.sha256).not.toBe(en!.sha256);
    const current = await t.db.selectFrom("letter_current_versions").select(["language", "version_id", "letter_id"]).orderBy("language").execute();
    expect(current.map((c) => c.language)).toEqual(["en", "es"]);
    expect(new Set(current.map((c) => c.letter_id)).size).toBe(1);
    // The Spanish page shows the Spanish hash; the press page lists both, each with its language.
    const page = await (await get("/", { "accept-language": "es" })).text();
    expect(/name="version" value="([0-9a-f]{64})"/.exec(page)?.[1]).toBe(es!.sha256);
    const press = await (await get("/press")).text();
    expect(press).toContain(es!.sha256);
    expect(press).toContain(en!.sha256);
    expect(press).toContain('<td lang="es">Español</td>');
  });

  it("records es and the Spanish version, and its confirmation email is in Spanish", async () => {
    const email = uniqueEmail("rosalia");
    const page = await (await get("/", { "accept-language": "es" })).text();
    const version = /name="version" value="([0-9a-f]{64})"/.exec(page)![1]!;
    const res = await post(
      "/?index",
      new URLSearchParams({ displayName: "La Banda del Sur", role: "musician", country: "ES", email, attest: "on", consent: "on", version }),
      { "accept-language": "es" },
    );
    expect(res.status).toBe(302);

    const row = await t.db
      .selectFrom("signatures as s")
      .innerJoin("letter_versions as v", "v.id", "s.letter_version_id")
      .select(["s.language", "v.language as versionLanguage", "v.sha256"])
      .where("s.email", "=", email)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ language: "es", versionLanguage: "es", sha256: version });
    const queued = await t.db.selectFrom("email_outbox").select(["language", "template"]).where("to_address", "=", email).execute();
    expect(queued).toEqual([{ language: "es", template: "confirm-signature" }]);

    // The worker renders it later, from the row's language, not from any request.
    await drainUntilSettled(t.db, standinWorker(t.db, standin));
    const sent = standin.emails.filter((e) => e.to.includes(email)).at(-1)!;
    expect(sent.subject).toBe(`Confirma tu firma: ${spanishTitle}`);
    expect(sent.html).toContain('lang="es"');
    expect(sent.text).toContain("Gracias por firmar");
    expect(sent.text).toContain("Revisar y confirmar");
    expect(sent.text).toMatch(/funcionan hasta el \d{1,2} de [a-z]+ de \d{4}/);

    // Confirming sends the Spanish "confirmed" email, whatever language the confirming browser has.
    const link = /href="http:\/\/letters\.test(\/confirm\/[^"]+)"/.exec(sent.html ?? "")![1]!;
    const confirmed = await post(link, new URLSearchParams({ intent: "confirm" }), { "accept-language": "en" });
    expect(confirmed.status).toBe(200);
    await drainUntilSettled(t.db, standinWorker(t.db, standin));
    const second = standin.emails.filter((e) => e.to.includes(email)).at(-1)!;
    expect(second.subject).toBe(`Tu firma está confirmada: ${spanishTitle}`);
  });

  it("an English signature stays English, on the English version", async () => {
    const email = uniqueEmail("english");
    const page = await (await get("/")).text();
    const version = /name="version" value="([0-9a-f]{64})"/.exec(page)![1]!;
    await post("/?index", new URLSearchParams({ displayName: "North Shore", role: "dj", country: "GB", email, attest: "on", consent: "on", version }));
    const row = await t.db.selectFrom("signatures").select(["language"]).where("email", "=", email).executeTakeFirstOrThrow();
    expect(row.language).toBe("en");
    await drainUntilSettled(t.db, standinWorker(t.db, standin));
    const sent = standin.emails.filter((e) => e.to.includes(email)).at(-1)!;
    expect(sent.subject).toBe(`Confirm your signature: ${englishTitle}`);
  });

  it("the database refuses a signature whose language is not its version's", async () => {
    const en = (await listLetterVersions(t.db, CURRENT_LETTER.slug)).find((v) => v.language === "en")!;
    const attempt = t.db.updateTable("signatures").set({ language: "es" }).where("letter_version_id", "=", en.id).execute();
    await expect(attempt).rejects.toThrow(/signatures_version_language_fkey/);
  });
});
