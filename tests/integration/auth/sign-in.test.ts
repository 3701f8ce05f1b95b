import { createHmac } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hitLimits } from "../../../app/domain/abuse/rate-limit.server";
import { LOGIN_LIMITS } from "../../../app/domain/auth/login.server";
import { addUser } from "../../../app/domain/auth/users.server";
import { createDevMailboxTransport } from "../../../app/domain/outbox/transport.server";
import { createOutboxWorker } from "../../../app/domain/outbox/worker.server";
import { sha256 } from "../../../app/domain/signatures/tokens.server";
import { DEV_TOKEN_HMAC_SECRET } from "../../../app/utils/env.server";
import type { Db } from "../../../db/client";
import { setupTestDatabase } from "../../support/db";
import { silentLog, testWorkerOptions } from "../../support/outbox";
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

/** Sends what is queued (into the dev mailbox, as a reader's inbox). */
async function deliver() {
  await createOutboxWorker(t.db, createDevMailboxTransport(t.db, silentLog), silentLog, testWorkerOptions).drain();
}

/** The link's token and the code of the newest sign-in email `email` received. */
async function lastSignIn(email: string) {
  await deliver();
  const last = await t.db.selectFrom("dev_mailbox").select(["subject", "html"]).where("to_address", "=", email).orderBy("id", "desc").executeTakeFirst();
  if (!last) return undefined;
  return { token: /\/admin\/login\/([A-Za-z0-9_-]{43})/.exec(last.html)![1]!, code: /(\d{6})$/.exec(last.subject)![1]! };
}

/** Rows in every table of the schema. */
async function rowCounts(db: Db): Promise<Record<string, number>> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of rows) {
    const { rows: n } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(name)}`.execute(db);
    counts[name] = n[0]!.n;
  }
  return counts;
}

function delta(before: Record<string, number>, after: Record<string, number>) {
  return Object.fromEntries(Object.keys(after).map((k) => [k, after[k]! - (before[k] ?? 0)]));
}

describe("sign-in by magic link", () => {
  it("answers the same whether or not the address has an account, and emails only accounts", async () => {
    const email = await moderator();
    const known = await (await post("/admin/login", { email })).text();
    const unknown = await (await post("/admin/login", { email: "nobody@countersign.test" })).text();
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? "";
    expect(main(known)).toContain("Check your inbox");
    expect(main(known).replaceAll(email, "X")).toBe(main(unknown).replaceAll("nobody@countersign.test", "X"));
    await deliver();
    expect((await emailsTo(t.db, email)).map((e) => e.template)).toEqual(["sign-in"]);
    expect(await emailsTo(t.db, "nobody@countersign.test")).toHaveLength(0);
  });

  it("does the same work in the request for an unknown address as for an account (the worker tells them apart)", async () => {
    const email = await moderator();
    await deliver();
    const beforeKnown = await rowCounts(t.db);
    await post("/admin/login", { email });
    const known = delta(beforeKnown, await rowCounts(t.db));
    const beforeUnknown = await rowCounts(t.db);
    await post("/admin/login", { email: "stranger@countersign.test" });
    const unknown = delta(beforeUnknown, await rowCounts(t.db));
    expect(unknown).toEqual(known);
    expect(known.email_outbox).toBe(1);
    expect(known.login_tokens).toBe(0);
    // Only the worker looks the address up; the stranger gets nothing and no account.
    await deliver();
    expect(await t.db.selectFrom("dev_mailbox").select("id").where("to_address", "=", "stranger@countersign.test").execute()).toHaveLength(0);
    expect(await emailsTo(t.db, "stranger@countersign.test")).toHaveLength(0);
    expect(await t.db.selectFrom("users").select("id").where("email", "=", "stranger@countersign.test").execute()).toHaveLength(0);
    expect(await t.db.selectFrom("email_outbox").select("state").where("template", "=", "sign-in").where("state", "=", "dropped").execute()).not.toHaveLength(
      0,
    );
    expect((await lastSignIn(email))?.code).toMatch(/^\d{6}$/);
  });

  it("drops a sign-in email for an account disabled before the worker sends it", async () => {
    const email = await moderator();
    await post("/admin/login", { email });
    await t.db.updateTable("users").set({ disabled_at: new Date() }).where("email", "=", email).execute();
    await deliver();
    expect(await t.db.selectFrom("dev_mailbox").select("id").where("to_address", "=", email).execute()).toHaveLength(0);
    expect(
      await t.db.selectFrom("login_tokens as l").innerJoin("users as u", "u.id", "l.user_id").select("l.id").where("u.email", "=", email).execute(),
    ).toHaveLength(0);
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

  it("revokes the older link and code when a new one is sent", async () => {
    const email = await moderator();
    await post("/admin/login", { email });
    const first = (await lastSignIn(email))!;
    await post("/admin/login", { email });
    const second = (await lastSignIn(email))!;
    expect(second.token).not.toBe(first.token);
    expect((await fetch(`${server.url}/admin/login/${first.token}`)).status).toBe(410);
    expect((await post(`/admin/login/${first.token}`, {})).status).toBe(410);
    if (first.code !== second.code) expect((await post("/admin/login", { email, intent: "code", code: first.code })).status).toBe(400);
    expect((await post("/admin/login", { email, intent: "code", code: second.code })).status).toBe(302);
  });

  it("keeps the codes only as HMACs keyed with TOKEN_HMAC_SECRET", async () => {
    const email = await moderator();
    await post("/admin/login", { email });
    const { code } = (await lastSignIn(email))!;
    const row = await t.db
      .selectFrom("login_tokens as l")
      .innerJoin("users as u", "u.id", "l.user_id")
      .select(["l.user_id", "l.code_hash"])
      .where("u.email", "=", email)
      .executeTakeFirstOrThrow();
    expect(row.code_hash).not.toBe(sha256(`${row.user_id}:${code}`));
    expect(row.code_hash).toBe(createHmac("sha256", DEV_TOKEN_HMAC_SECRET).update(`${row.user_id}:${code}`).digest("hex"));
  });

  it(`sends at most ${LOGIN_LIMITS.emailDay.max} sign-in emails a day to one address, answering the same page`, async () => {
    const email = await moderator();
    const capped = await moderator();
    // Earlier hours of the day used up the address's daily allowance.
    for (let i = 0; i < LOGIN_LIMITS.emailDay.max; i++) {
      await hitLimits(t.db, [{ key: `login:email-day:${sha256(capped.toLowerCase())}`, ...LOGIN_LIMITS.emailDay }]);
    }
    const main = (html: string) => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? "";
    const open = main(await (await post("/admin/login", { email })).text());
    const refused = await post("/admin/login", { email: capped });
    expect(refused.status).toBe(200);
    expect(main(await refused.text()).replaceAll(capped, "X")).toBe(open.replaceAll(email, "X"));
    await deliver();
    expect(await emailsTo(t.db, capped)).toHaveLength(0);
    expect(await emailsTo(t.db, email)).toHaveLength(1);
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
