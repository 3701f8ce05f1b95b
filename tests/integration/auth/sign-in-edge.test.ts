import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../../app/domain/auth/users.server";
import { createDevMailboxTransport } from "../../../app/domain/outbox/transport.server";
import { createOutboxWorker } from "../../../app/domain/outbox/worker.server";
import { userWithSession } from "../../support/auth";
import { setupTestDatabase } from "../../support/db";
import { silentLog, testWorkerOptions } from "../../support/outbox";
import { rawRequest } from "../../support/http";
import { startTestServer, type TestServer } from "../../support/server";

// Sign-in and sessions as the browser sees them at the edge: redirects, cookies, caching, CSRF.
const t = setupTestDatabase();
let plain: TestServer;
let secure: TestServer;

beforeAll(async () => {
  plain = await startTestServer(t.database, { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback" });
  secure = await startTestServer(t.database, { APP_URL: "https://letters.example.org", TRUSTED_PROXIES: "loopback" });
});
afterAll(async () => {
  await plain?.close();
  await secure?.close();
});

let client = 0;
function post(server: TestServer, path: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(body),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `198.19.1.${++client}`, origin: server.url, ...headers },
    redirect: "manual",
  });
}

let n = 0;
/** A moderator who asked for a sign-in email, and the code it carries. */
async function codeFor(server: TestServer) {
  const email = `edge.${Date.now().toString(36)}.${n++}@countersign.test`;
  await addUser(t.db, email, "moderator");
  await post(server, "/admin/login", { email });
  // The worker issues the code (the request does the same work for any address): send, then read it.
  await createOutboxWorker(t.db, createDevMailboxTransport(t.db, silentLog), silentLog, testWorkerOptions).drain();
  const mail = await t.db.selectFrom("dev_mailbox").select("subject").where("to_address", "=", email).orderBy("id", "desc").executeTakeFirstOrThrow();
  const code = /(\d{6})$/.exec(mail.subject)![1]!;
  return { email, code };
}

describe("the redirect after sign-in", () => {
  it("follows `next` only to a path under /admin on this site", async () => {
    const cases: [string, string][] = [
      ["/admin?state=approved", "/admin?state=approved"],
      ["/admin/signatures/abc", "/admin/signatures/abc"],
      ["/\t/evil.example/x", "/admin"],
      ["/%09/evil.example/x", "/admin"],
      ["/\\evil.example/x", "/admin"],
      ["//evil.example/x", "/admin"],
      ["https://evil.example/admin", "/admin"],
      ["/signatures", "/admin"],
      ["/admin/../signatures", "/admin"],
      ["/adminx", "/admin"],
    ];
    for (const [next, location] of cases) {
      const { email, code } = await codeFor(plain);
      const res = await post(plain, "/admin/login", { email, intent: "code", code, next });
      expect(res.status, next).toBe(302);
      expect(res.headers.get("location"), next).toBe(location);
    }
  });

  it("answers a `next` holding CR LF with the fallback, not a 500 after spending the code", async () => {
    const { email, code } = await codeFor(plain);
    const res = await post(plain, "/admin/login", { email, intent: "code", code, next: "/admin\r\nSet-Cookie: x=1" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toMatch(/^\/admin/);
    expect(res.headers.get("location")).not.toMatch(/[\r\n]/);
    expect(res.headers.get("set-cookie")).not.toContain("x=1");
  });
});

describe("the session cookie", () => {
  it("is a browser-session cookie (no Max-Age or Expires), HttpOnly and SameSite=Lax, on http", async () => {
    const { email, code } = await codeFor(plain);
    const res = await post(plain, "/admin/login", { email, intent: "code", code });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^countersign_session=[a-z0-9]+; /);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/Max-Age|Expires|Secure|Domain/i);
  });

  it("is named __Host- and Secure, Path=/ and no Domain, on https", async () => {
    const { email, code } = await codeFor(secure);
    const res = await post(secure, "/admin/login", { email, intent: "code", code });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^__Host-countersign_session=[a-z0-9]+; /);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Max-Age|Expires|Domain/i);
    const session = cookie.split(";", 1)[0]!;
    expect((await fetch(`${secure.url}/admin`, { headers: { cookie: session }, redirect: "manual" })).status).toBe(200);
    // The plain name means nothing on https (a sibling site could have set it).
    const unprefixed = session.replace("__Host-", "");
    expect((await fetch(`${secure.url}/admin`, { headers: { cookie: unprefixed }, redirect: "manual" })).status).toBe(302);
  });

  it("is cleared on sign-out with the same name and attributes", async () => {
    const mod = await userWithSession(t.db, "moderator", "https://letters.example.org");
    const res = await post(secure, "/admin/logout", {}, { cookie: mod.cookie });
    const cleared = res.headers.get("set-cookie")!;
    expect(cleared).toMatch(/^__Host-countersign_session=; /);
    expect(cleared).toMatch(/Max-Age=0/);
    expect(cleared).toMatch(/; Secure/i);
  });

  it("survives another site's malformed cookie on every /admin page, the sign-in page included", async () => {
    const mod = await userWithSession(t.db, "moderator");
    const login = await fetch(`${plain.url}/admin/login`, { headers: { cookie: "_ga=100%" }, redirect: "manual" });
    expect(login.status).toBe(200);
    const page = await fetch(`${plain.url}/admin`, { headers: { cookie: `_ga=100%; theme=%E0%A4%A; ${mod.cookie}; x=%` }, redirect: "manual" });
    expect(page.status).toBe(200);
    const signedOut = await fetch(`${plain.url}/admin`, { headers: { cookie: "countersign_session=%zz; _ga=100%" }, redirect: "manual" });
    expect(signedOut.status).toBe(302);
  });
});

describe("caching of private answers", () => {
  it("sends Cache-Control: private, no-store on every /admin answer", async () => {
    const mod = await userWithSession(t.db, "moderator");
    const rep = await userWithSession(t.db, "label_rep");
    const answers = [
      await fetch(`${plain.url}/admin`, { headers: { cookie: mod.cookie }, redirect: "manual" }), // page
      await fetch(`${plain.url}/admin.data`, { headers: { cookie: mod.cookie }, redirect: "manual" }), // loader data
      await fetch(`${plain.url}/admin`, { redirect: "manual" }), // redirect to sign in
      await fetch(`${plain.url}/admin`, { headers: { cookie: rep.cookie }, redirect: "manual" }), // 403
      await fetch(`${plain.url}/admin/nothing-here`, { headers: { cookie: mod.cookie }, redirect: "manual" }), // 404
      await fetch(`${plain.url}/admin/login`, { redirect: "manual" }),
      await post(plain, "/admin/login", { email: "not an address" }), // action error
      await post(plain, "/admin/logout", {}, { cookie: mod.cookie }), // action redirect
      await fetch(`${plain.url}/admin/signatures/%ff`, { headers: { cookie: mod.cookie }, redirect: "manual" }), // broken path
      await fetch(`${plain.url}/admin`, { method: "PUT", headers: { cookie: mod.cookie }, redirect: "manual" }), // 405
    ];
    for (const res of answers) expect(res.headers.get("cache-control"), `${res.url} ${res.status}`).toBe("private, no-store");
  });
});

describe("the Origin check on /admin", () => {
  it("refuses an /admin action that carries neither Origin nor Sec-Fetch-Site: same-origin", async () => {
    const mod = await userWithSession(t.db, "moderator");
    const form = new URLSearchParams({ everywhere: "on" }).toString();
    const headers = { "content-type": "application/x-www-form-urlencoded", cookie: mod.cookie };
    const bare = await rawRequest(plain.url, { method: "POST", path: "/admin/logout", headers, body: form });
    expect(bare.status).toBe(403);
    expect(bare.body).toContain("Countersign's own pages");
    const sameSite = await rawRequest(plain.url, { method: "POST", path: "/admin/logout", headers: { ...headers, "sec-fetch-site": "same-site" }, body: form });
    expect(sameSite.status).toBe(403);
    expect((await fetch(`${plain.url}/admin`, { headers: { cookie: mod.cookie }, redirect: "manual" })).status).toBe(200);
    const sameOrigin = await rawRequest(plain.url, {
      method: "POST",
      path: "/admin/logout",
      headers: { ...headers, "sec-fetch-site": "same-origin" },
      body: form,
    });
    expect(sameOrigin.status).toBe(302);
  });

  it("does not let a path that only looks like the webhook skip the check", async () => {
    const mod = await userWithSession(t.db, "moderator");
    const headers = { "content-type": "application/x-www-form-urlencoded", cookie: mod.cookie, origin: "https://evil.example" };
    for (const path of [
      "/webhooks/../admin/logout",
      "//webhooks/resend",
      "/Webhooks/resend",
      "/webhooks/resend/../../admin/logout",
      "/webhooks/%2e%2e/admin/logout",
    ]) {
      const res = await rawRequest(plain.url, { method: "POST", path, headers, body: "everywhere=on" });
      expect(res.status, path).toBe(403);
    }
    expect((await fetch(`${plain.url}/admin`, { headers: { cookie: mod.cookie }, redirect: "manual" })).status).toBe(200);
  });
});
