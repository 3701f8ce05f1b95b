import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOGIN_LIMITS } from "../../../app/domain/auth/login.server";
import { addUser } from "../../../app/domain/auth/users.server";
import { setupTestDatabase } from "../../support/db";
import { startTestServer, type TestServer } from "../../support/server";
import { emailsTo } from "../../support/signatures";

const t = setupTestDatabase();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(t.database, { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback" });
});
afterAll(async () => {
  await server?.close();
});

let client = 0;
function post(path: string, body: Record<string, string>) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(body),
    // A browser sends Origin with every form post (/admin refuses one without it).
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `198.19.0.${++client}`, origin: server.url },
    redirect: "manual",
  });
}

let n = 0;
async function moderator() {
  const email = `signin.${Date.now().toString(36)}.${n++}@countersign.test`;
  await addUser(t.db, email, "moderator");
  return email;
}

async function lastSignIn(email: string) {
  const mails = await emailsTo(t.db, email);
  const last = mails.at(-1);
  return last && (last.props as { token: string; code: string });
}

describe("sign-in by magic link", () => {
  it("answers the same whether or not the address has an account, and emails only accounts", async () => {
    const email = await moderator();
    const known = await (await post("/admin/login", { email })).text();
    const unknown = await (await post("/admin/login", { email: "nobody@countersign.test" })).text();
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? "";
    expect(main(known)).toContain("Check your inbox");
    expect(main(known).replaceAll(email, "X")).toBe(main(unknown).replaceAll("nobody@countersign.test", "X"));
    expect((await emailsTo(t.db, email)).map((e) => e.template)).toEqual(["sign-in"]);
    expect(await emailsTo(t.db, "nobody@countersign.test")).toHaveLength(0);
  });

  it("shows a button on GET (using nothing), signs in on POST, and works once", async () => {
    const email = await moderator();
    await post("/admin/login", { email });
    const { token } = (await lastSignIn(email))!;
    const shown = await fetch(`${server.url}/admin/login/${token}`);
    expect(shown.status).toBe(200);
    expect(await shown.text()).toContain("Sign in");
    const signedIn = await post(`/admin/login/${token}`, {});
    expect(signedIn.status).toBe(302);
    expect(signedIn.headers.get("location")).toBe("/admin");
    const cookie = signedIn.headers.get("set-cookie")!.split(";", 1)[0]!;
    expect((await fetch(`${server.url}/admin`, { headers: { cookie }, redirect: "manual" })).status).toBe(200);

    expect((await post(`/admin/login/${token}`, {})).status).toBe(410);
    expect((await fetch(`${server.url}/admin/login/${token}`)).status).toBe(410);
  });

  it("accepts the 6-digit code with the address instead, once", async () => {
    const email = await moderator();
    await post("/admin/login", { email });
    const { code } = (await lastSignIn(email))!;
    expect(code).toMatch(/^\d{6}$/);
    const wrong = await post("/admin/login", { email, intent: "code", code: code === "000000" ? "111111" : "000000" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("That code is not valid");
    const ok = await post("/admin/login", { email, intent: "code", code, next: "/admin?state=approved" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe("/admin?state=approved");
    expect((await post("/admin/login", { email, intent: "code", code })).status).toBe(400);
  });

  it("refuses a link after 15 minutes, and never redirects off the site", async () => {
    const email = await moderator();
    await post("/admin/login", { email });
    const { token, code } = (await lastSignIn(email))!;
    await t.db
      .updateTable("login_tokens")
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .execute();
    expect((await post(`/admin/login/${token}`, {})).status).toBe(410);
    expect((await post("/admin/login", { email, intent: "code", code })).status).toBe(400);

    await post("/admin/login", { email });
    const fresh = (await lastSignIn(email))!;
    const res = await post("/admin/login", { email, intent: "code", code: fresh.code, next: "//evil.example/" });
    expect(res.headers.get("location")).toBe("/admin");
  });

  it("sends at most a few sign-in emails an hour to one address", async () => {
    const email = await moderator();
    for (let i = 0; i < LOGIN_LIMITS.email.max + 3; i++) await post("/admin/login", { email });
    expect(await emailsTo(t.db, email)).toHaveLength(LOGIN_LIMITS.email.max);
  });

  it("gives a field message for a malformed address, and sends nothing", async () => {
    const res = await post("/admin/login", { email: "not an address" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Enter a valid email address");
  });
});
