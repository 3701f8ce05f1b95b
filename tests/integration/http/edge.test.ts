import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion } from "../../../app/domain/letter/letter.server";
import { setupTestDatabase } from "../../support/db";
import { rawRequest } from "../../support/http";
import { startTestServer, type TestServer } from "../../support/server";

// What the Express host answers before (and around) Remix: bodies, methods, broken paths, caching, CSRF.
const t = setupTestDatabase();
let server: TestServer;

beforeAll(async () => {
  await registerLetterVersion(t.db, CURRENT_LETTER.slug, await readLetterFile());
  server = await startTestServer(t.database, { APP_URL: "http://letters.test", RESEND_WEBHOOK_SECRET: `whsec_${"a".repeat(32)}` }, { bodyTimeoutMs: 500 });
});
afterAll(async () => {
  await server?.close();
});

const formHeaders = () => ({ "content-type": "application/x-www-form-urlencoded", origin: server.url });

describe("a body over the limit", () => {
  it("gets the whole 413 with Connection: close, and the next request on a new connection works", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = await rawRequest(server.url, { method: "POST", path: "/?index", headers: formHeaders(), body: `a=${"x".repeat(1 << 20)}`, agent });
      expect(big.status).toBe(413);
      expect(big.headers.connection).toBe("close");
      expect(big.body).toContain("larger than");
      const next = await rawRequest(server.url, { method: "POST", path: "/?index", headers: formHeaders(), body: "displayName=", agent });
      expect(next.status).toBe(400);
    } finally {
      agent.destroy();
    }
  });

  it("reads a GET's body under the same limit (no page takes one)", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = await rawRequest(server.url, {
        path: "/",
        headers: { "content-type": "text/plain", "content-length": 1 << 20 },
        body: "x".repeat(1 << 20),
        agent,
      });
      expect(big.status).toBe(413);
      expect(big.headers.connection).toBe("close");
      expect((await rawRequest(server.url, { path: "/", agent })).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it("answers a form over the form limit (but under the edge's) with the site's 413 page, closing cleanly", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = await rawRequest(server.url, { method: "POST", path: "/?index", headers: formHeaders(), body: `a=${"x".repeat(40_000)}`, agent });
      expect(big.status).toBe(413);
      expect(big.headers.connection).toBe("close");
      expect(big.body).toContain("That was more than we accept");
      const next = await rawRequest(server.url, { method: "POST", path: "/?index", headers: formHeaders(), body: "displayName=", agent });
      expect(next.status).toBe(400);
    } finally {
      agent.destroy();
    }
  });

  it("refuses a chunked body that grows past the limit, without a declared length", async () => {
    const res = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
      const url = new URL(server.url);
      const req = http.request({ host: url.hostname, port: url.port, method: "POST", path: "/?index", headers: formHeaders() }, (r) => {
        r.resume();
        r.on("end", () => resolve({ status: r.statusCode ?? 0, connection: r.headers.connection }));
      });
      req.on("error", reject);
      const chunk = "x".repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 32 && req.write(chunk)) sent++;
        if (sent < 32) req.once("drain", pump);
        else req.end();
      };
      req.write("a=");
      pump();
    });
    expect(res.status).toBe(413);
    expect(res.connection).toBe("close");
  });

  it("gives up on a body that does not arrive in time (408), before Remix sees it", async () => {
    const url = new URL(server.url);
    const socket = net.connect(Number(url.port), url.hostname);
    const answer = await new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString("utf8")));
      socket.on("close", () => resolve(text));
      socket.write(
        `POST /?index HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${server.url}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ndisplayName=`,
      );
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
  });
});

describe("paths and methods Remix cannot take", () => {
  it("answers a path with broken percent-escapes with the site's 400 page (no stack)", async () => {
    for (const path of ["/confirm/%00%ff%2e%2e%2f", "/%E0%A4%A", "/admin/signatures/%"]) {
      const res = await rawRequest(server.url, { path });
      expect(res.status, path).toBe(400);
      expect(res.headers["content-type"], path).toBe("text/html; charset=utf-8");
      expect(res.body, path).toContain('class="site-header"');
      expect(res.body, path).toContain("This address is not valid");
      expect(res.body, path).not.toMatch(/URIError|at decode|node_modules/);
    }
  });

  it("answers TRACE and other methods the site does not take with 405 and Allow", async () => {
    for (const method of ["TRACE", "PUT", "DELETE", "PATCH", "PROPFIND"]) {
      const res = await rawRequest(server.url, { method, path: "/" });
      expect(res.status, method).toBe(405);
      expect(res.headers.allow, method).toBe("GET, HEAD, POST");
    }
    const options = await rawRequest(server.url, { method: "OPTIONS", path: "/api/v1/signatures" });
    expect(options.status).toBe(204);
  });

  it("answers an error with a page, never a stack", async () => {
    const res = await rawRequest(server.url, { method: "POST", path: "http://evil.example/admin", headers: formHeaders(), body: "a=1" });
    expect(res.status).toBe(400);
    expect(res.body).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe("caching of action answers", () => {
  it("sends private, no-store on a refused sign form, which echoes the email and private name", async () => {
    const res = await fetch(`${server.url}/?index`, {
      method: "POST",
      headers: formHeaders(),
      body: new URLSearchParams({ displayName: "", email: "echo@countersign.test", privateName: "Private Person" }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
  });

  it("sends it on every non-GET answer, and leaves public GETs cacheable", async () => {
    const webhook = await fetch(`${server.url}/webhooks/resend`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(webhook.headers.get("cache-control")).toBe("private, no-store");
    const refused = await fetch(`${server.url}/?index`, { method: "POST", body: "a=1", headers: { ...formHeaders(), origin: "https://evil.example" } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get("cache-control")).toBe("private, no-store");
    const page = await fetch(`${server.url}/`);
    expect(page.headers.get("cache-control")).toMatch(/^public/);
  });
});

describe("the webhook's CSRF exemption", () => {
  it("still lets Resend post to exactly /webhooks/resend without an Origin", async () => {
    const res = await rawRequest(server.url, {
      method: "POST",
      path: "/webhooks/resend",
      headers: { "content-type": "application/json", "sec-fetch-site": "cross-site" },
      body: "{}",
    });
    expect(res.status).toBe(400); // reached the route: no svix headers
    expect(res.body).toContain("svix");
  });
});
