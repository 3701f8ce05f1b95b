import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion, type LetterVersion } from "../../../app/domain/letter/letter.server";
import { setupTestDatabase } from "../../support/db";
import { startTestServer, type TestServer } from "../../support/server";

const t = setupTestDatabase();
let server: TestServer;
let letter: LetterVersion;

beforeAll(async () => {
  letter = await registerLetterVersion(t.db, CURRENT_LETTER.slug, await readLetterFile());
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
});
afterAll(async () => {
  await server?.close();
});

function attr(html: string, selector: RegExp): string | undefined {
  return selector.exec(html)?.[1];
}

describe("the letter page at /", () => {
  it("shows the letter, the date it opened, its version and a count placeholder", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await res.text();
    expect(html).toContain(`<h1>${letter.title}</h1>`);
    expect(html).toContain("We ask Spotify to:");
    expect(html.match(/<li><strong>/g)).toHaveLength(4);
    expect(html).toContain(`dateTime="${letter.openedAt.toISOString()}"`);
    expect(html).toContain(letter.sha256);
    expect(html).toMatch(/data-testid="approved-count">0</);
  });

  it("has a title, a description and Open Graph and Twitter tags", async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(attr(html, /<title>([^<]+)<\/title>/)).toBe(`${letter.title} · Countersign`);
    const description = attr(html, /<meta name="description" content="([^"]+)"/);
    expect(description?.length).toBeGreaterThan(50);
    expect(description?.length).toBeLessThanOrEqual(200);
    expect(attr(html, /<meta property="og:title" content="([^"]+)"/)).toBe(letter.title);
    expect(attr(html, /<meta property="og:url" content="([^"]+)"/)).toBe("http://letters.test/");
    expect(attr(html, /<meta property="og:description" content="([^"]+)"/)).toBe(description);
    expect(attr(html, /<meta name="twitter:card" content="([^"]+)"/)).toBe("summary_large_image");
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
  });

  it("sends the security headers, with a fresh CSP nonce on every inline script", async () => {
    const res = await fetch(`${server.url}/`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("x-powered-by")).toBeNull();

    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) {
      if (/\bsrc=/.test(tag) || /type="module"/.test(tag)) continue;
      expect(tag).toContain(`nonce="${nonce}"`);
    }
    const again = (await fetch(`${server.url}/`)).headers.get("content-security-policy");
    expect(/'nonce-([^']+)'/.exec(again ?? "")?.[1]).not.toBe(nonce);
  });

  it("serves the built assets the page links to", async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    const css = attr(html, /<link rel="stylesheet" href="([^"]+)"/);
    expect(css).toMatch(/^\/build\/_assets\/app-[A-Z0-9]+\.css$/);
    const res = await fetch(`${server.url}${css}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toContain("immutable");
  });

  it("answers an unknown address with a 404 page, not an error", async () => {
    const res = await fetch(`${server.url}/no-such-page`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Page not found");
  });

  it("logs requests without query strings, tokens, emails or IPs", async () => {
    await (await fetch(`${server.url}/confirm/AbCdEf0123456789xyzXYZ?email=someone%40example.org`)).text();
    await (await fetch(`${server.url}/?to=someone@example.org`, { headers: { "x-forwarded-for": "203.0.113.9" } })).text();
    // The request line is written when the response finishes, which may be just after the client has it.
    await vi.waitFor(() => expect(server.logs.some((l) => l.msg === "request" && l.path === "/confirm/:token")).toBe(true));
    const lines = JSON.stringify(server.logs);
    expect(lines).not.toMatch(/someone|example\.org|203\.0\.113\.9|127\.0\.0\.1|AbCdEf0123456789/);
  });
});

describe("/healthz", () => {
  it("checks the database and reports which backend answered", async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toMatchObject({ status: "ok", database: { backend: t.database.backend } });
  });
});

describe("behind HTTPS and a trusted proxy", () => {
  it("sends HSTS when the site is served over https", async () => {
    const secure = await startTestServer(t.database, { APP_URL: "https://letters.example.org" });
    try {
      const res = await fetch(`${secure.url}/healthz`);
      expect(res.headers.get("strict-transport-security")).toBe("max-age=63072000; includeSubDomains");
    } finally {
      await secure.close();
    }
  });

  it("reports draining on /healthz once shutdown has begun", async () => {
    const draining = await startTestServer(t.database);
    try {
      draining.startDraining();
      const res = await fetch(`${draining.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: "draining" });
    } finally {
      await draining.close();
    }
  });
});
