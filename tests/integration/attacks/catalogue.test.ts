import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CODE_LIMITS } from "../../../app/domain/abuse/limits";
import { addUser } from "../../../app/domain/auth/users.server";
import { createDevMailboxTransport } from "../../../app/domain/outbox/transport.server";
import { createOutboxWorker } from "../../../app/domain/outbox/worker.server";
import { takeSnapshot } from "../../../app/domain/public-list/snapshots.server";
import { userWithSession } from "../../support/auth";
import { setupTestDatabase } from "../../support/db";
import { silentLog, testWorkerOptions } from "../../support/outbox";
import { seedSignatures } from "../../support/public-list";
import type { TestServer } from "../../support/server";
import { currentLetter, lastEmailTo, registerCurrentLetter, sign, uniqueEmail } from "../../support/signatures";
import { PAYLOADS } from "../../fuzz/arbitraries";
import { clientFor, fingerprint, humanMessage, startFuzzServer, type Answer, type Client } from "../../fuzz/harness";

/**
 * The attack catalogue: one named test per attack. Where the suite already proves one, the table
 * names that test instead of repeating it.
 *
 * | attack                                              | test                                                                                      |
 * | --------------------------------------------------- | ----------------------------------------------------------------------------------------- |
 * | stored XSS in every text field (Chromium)           | tests/integration/attacks/xss.test.ts (each page × field; a control proves the detector)  |
 * | reflected XSS (search query, sign-in `next`)        | tests/integration/attacks/xss.test.ts                                                     |
 * | CSV formula injection                               | here: "CSV formula injection" (list CSV and snapshot files)                               |
 * | SQL injection strings in every field                | here: "SQL injection"; and tests/fuzz/* (every field gets PAYLOADS, the SQL ones included) |
 * | forged list cursors (cast errors)                   | tests/integration/public-list/http.test.ts "forged cursors"; tests/fuzz/public-queries    |
 * | open redirects                                      | here: "open redirects"; tests/integration/auth/sign-in-edge.test.ts "the redirect after sign-in" |
 * | CSRF (cross-origin POST)                            | here: "CSRF" (every form); tests/integration/auth/access.test.ts, sign-in-edge.test.ts "the Origin check" |
 * | confirm link replayed                               | tests/integration/signatures/confirm-manage.test.ts "moves unconfirmed to pending on POST, once…", "…many times at once" |
 * | manage token as confirm token and the reverse       | tests/integration/signatures/confirm-manage.test.ts "does not accept a manage token…"     |
 * | sign-in link replayed                               | tests/integration/auth/sign-in.test.ts "shows a button on GET …, and works once"; here: "session fixation" |
 * | sign-in code replayed                               | tests/integration/auth/sign-in.test.ts "accepts the 6-digit code with the address instead, once" |
 * | expired tokens                                      | confirm-manage.test.ts "refuses an expired link…"; sign-in.test.ts "refuses a link after 15 minutes" |
 * | confirmation-code guessing, up to and past the limit | here: "code guessing (confirmation)"                                                     |
 * | sign-in-code guessing, up to and past the limit     | here: "code guessing (sign-in)"                                                           |
 * | session fixation                                    | here: "session fixation"                                                                  |
 * | forged or expired session cookie                    | tests/integration/auth/access.test.ts "ignores a forged or expired session cookie"; tests/fuzz (odd cookies) |
 * | a non-moderator's admin action                      | here: "admin actions without the role"; access.test.ts "refuses a label rep with 403…"    |
 * | a label rep touching another label's data           | not applicable yet: no label routes exist (add them to the fuzz endpoint tables and here) |
 * | oversized bodies (413, closed cleanly)              | tests/integration/http/edge.test.ts "a body over the limit" (4 tests); tests/fuzz (≥100 KB bodies) |
 * | slow-loris body                                     | edge.test.ts "gives up on a body that does not arrive in time (408)"; here: "slow-loris"  |
 * | header injection (CRLF reaching headers)            | here: "header injection"; sign-in-edge.test.ts "answers a `next` holding CR LF…"          |
 * | methods and broken paths                            | edge.test.ts "paths and methods Remix cannot take"                                        |
 * | webhook forgery                                     | tests/integration/outbox/webhooks.test.ts                                                 |
 */
const t = setupTestDatabase();
let server: TestServer;
let client: Client;
let moderator = "";
let admin = "";
let pendingId = "";

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  const letter = await currentLetter(t.db);
  const rows = await seedSignatures(t.db, letter, [
    { name: '=HYPERLINK("https://evil.example","x")' },
    { name: "+SUM(1,2)" },
    { name: "-2+3" },
    { name: "@cmd" },
    { name: "\tTabbed" },
    { name: "\rReturned" },
    { name: "|pipe" },
    { name: "%percent" },
    { name: "Plain Name" },
    { name: "Pending Person", state: "pending" },
  ]);
  pendingId = rows.at(-1)!.id;
  await takeSnapshot(t.db, letter.letterId);
  moderator = (await userWithSession(t.db, "moderator")).cookie;
  admin = (await userWithSession(t.db, "admin")).cookie;
  server = await startFuzzServer(t.database, { bodyTimeoutMs: 2_000 });
  client = clientFor(server);
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

const form = "application/x-www-form-urlencoded";
const post = (path: string, body: Record<string, string>, headers: Record<string, string | undefined> = {}) =>
  client.send({ method: "POST", path, body: new URLSearchParams(body).toString(), headers: { "content-type": form, origin: server.url, ...headers } });

/** Every form of the site, with a body that would be accepted, and the session it needs. */
const FORMS = (): { path: string; body: Record<string, string>; cookie?: string }[] => [
  { path: "/?index", body: { displayName: "Csrf Victim", role: "musician", country: "GB", email: uniqueEmail("csrf"), attest: "on", consent: "on" } },
  { path: "/confirm?index", body: { intent: "confirm", email: "someone@example.org", code: "ABCD2345" } },
  { path: "/admin/login", body: { email: "someone@countersign.test" } },
  { path: "/admin/logout", body: {}, cookie: moderator },
  { path: "/admin?index", body: { id: pendingId, intent: "approve", expected: "pending" }, cookie: moderator },
  { path: `/admin/signatures/${pendingId}`, body: { intent: "notable" }, cookie: moderator },
  { path: "/admin/bulk", body: { state: "pending", namePattern: "Pending*", action: "reject", reason: "fake", confirmedCount: "1" }, cookie: moderator },
  { path: "/admin/notable", body: { intent: "add", name: "Csrf Notable" }, cookie: admin },
  { path: "/admin/moderators", body: { intent: "invite", email: "csrf.invite@countersign.test", role: "admin" }, cookie: admin },
  { path: "/admin/snapshots", body: { intent: "take" }, cookie: admin },
  { path: "/admin/delivery", body: { intent: "generate" }, cookie: admin },
];

const sameSitePath = (location: string | undefined) => location === undefined || (/^\/(?![/\\])/.test(location) && !/[\r\n\t]/.test(location));

describe("attack catalogue (HTTP)", { timeout: 120_000 }, () => {
  it("CSV formula injection: every cell that starts like a formula is defused, in the list and in snapshots", async () => {
    const csv = (await client.send({ path: "/signatures.csv?sort=az" })).body;
    const snapshots = JSON.parse((await client.send({ path: "/press/snapshots.json" })).body) as { data: { path: string }[] };
    const snapshot = (await client.send({ path: snapshots.data[0]!.path })).body;
    for (const [label, text] of [
      ["list", csv],
      ["snapshot", snapshot],
    ] as const) {
      for (const name of ['=HYPERLINK(""https://evil.example"",""x"")', "+SUM(1,2)", "-2+3", "@cmd", "\tTabbed", "\rReturned", "|pipe", "%percent"]) {
        expect(text, `${label}: ${JSON.stringify(name)}`).toContain(`"'${name}"`);
      }
      // No cell anywhere starts with a formula character unquoted or undefused.
      expect(text, label).not.toMatch(/(^|,)"?[=+\-@|%\t\r](?!\d{2}:)/m);
      expect(text, label).toContain('"Plain Name"');
    }
  });

  it("SQL injection: every query and form field takes the SQL strings as text (no 5xx, no change, tables intact)", async () => {
    const sqlStrings = PAYLOADS.filter((p) => /DROP|SELECT|OR '1'|--|;/.test(p));
    expect(sqlStrings.length).toBeGreaterThanOrEqual(3);
    const queries = ["/signatures", "/api/v1/signatures", "/signatures.csv", "/admin", "/admin/bulk"];
    const params = ["q", "kind", "role", "country", "label", "sort", "after", "before", "limit", "state", "order", "emailDomain", "ipHash"];
    for (const s of sqlStrings) {
      for (const path of queries) {
        for (const param of params) {
          const before = await fingerprint(t.db);
          const res = await client.send({ path: `${path}?${param}=${encodeURIComponent(s)}`, headers: { cookie: moderator } });
          expect(res.status, `${path}?${param}=${s}`).toBeLessThan(500);
          expect(await fingerprint(t.db), `${path}?${param}=${s}`).toBe(before);
        }
      }
      for (const { path, body, cookie } of FORMS().filter((f) => f.path !== "/admin/logout")) {
        for (const field of Object.keys(body)) {
          // Failed tries are counted by design (rate_limit_counters); nothing else may change on a refusal.
          const before = await fingerprint(t.db, ["rate_limit_counters"]);
          const res = await post(path, { ...body, [field]: s }, { cookie });
          expect(res.status, `${path} ${field}=${s}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(humanMessage(res), `${path} ${field}=${s}`).toBeUndefined();
            expect(await fingerprint(t.db, ["rate_limit_counters"]), `${path} ${field}=${s}`).toBe(before);
          }
        }
      }
    }
    const count = await t.db
      .selectFrom("signatures")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBeGreaterThanOrEqual(10);
  });

  it("open redirects: no redirect of the site leaves it, whatever the path or `next`", async () => {
    const targets = [
      "//evil.example",
      "/\\evil.example",
      "https://evil.example/",
      "/%2F%2Fevil.example",
      "/%5Cevil.example",
      "/\t/evil.example",
      "/admin/../%2F%2Fevil.example",
    ];
    const answers: [string, Answer][] = [];
    for (const target of targets) {
      const enc = encodeURIComponent(target);
      answers.push([`GET /admin/login?next=${target}`, await client.send({ path: `/admin/login?next=${enc}`, headers: { cookie: moderator } })]);
      answers.push([
        `GET ${target}/admin`,
        await client.send({ path: `${target.replace(/[\t\\]/g, encodeURIComponent)}/admin`.replace(/^https:\/\/evil\.example/, "") }),
      ]);
      answers.push([`GET /admin/${target}`, await client.send({ path: `/admin/${enc}` })]);
      answers.push([`GET /build${target}`, await client.send({ path: `/build/${enc}` })]);
      answers.push([`POST /admin/logout next=${target}`, await post(`/admin/logout?next=${enc}`, { next: target })]);
      answers.push([`POST /?index next=${target}`, await post(`/?index&next=${enc}`, { next: target, redirectTo: target })]);
    }
    for (const path of ["/build", "/og", "/press/", "/signatures/", "//", "///evil.example/", "/.//evil.example"])
      answers.push([`GET ${path}`, await client.send({ path })]);
    let redirects = 0;
    for (const [label, res] of answers) {
      expect(res.status, label).toBeLessThan(500);
      if (res.status >= 300 && res.status < 400) {
        redirects++;
        expect(sameSitePath(res.headers.location as string | undefined), `${label} → ${String(res.headers.location)}`).toBe(true);
      }
    }
    expect(redirects, "some of these do redirect").toBeGreaterThan(5);
  });

  it("CSRF: a cross-origin POST to any form is refused (403) and changes nothing, with or without a session", async () => {
    for (const { path, body, cookie } of FORMS()) {
      for (const headers of [
        { origin: "https://evil.example" },
        { origin: "null" },
        { origin: undefined, "sec-fetch-site": "cross-site" },
        { origin: undefined, "sec-fetch-site": "same-site" },
      ]) {
        const before = await fingerprint(t.db);
        const res = await post(path, body, { cookie, ...headers });
        expect(res.status, `${path} ${JSON.stringify(headers)}`).toBe(403);
        expect(await fingerprint(t.db), path).toBe(before);
      }
      if (path.startsWith("/admin/") || path === "/admin?index") {
        // Under /admin a request must also say it comes from the site (a form without Origin is refused).
        const res = await post(path, body, { cookie, origin: undefined });
        expect(res.status, `${path} without Origin`).toBe(403);
      }
    }
  });

  it("code guessing (confirmation): wrong codes are refused up to the limit, then even the right one is (429), and nothing is confirmed", async () => {
    const email = uniqueEmail("guess");
    const outcome = await sign(t.db, { email });
    if (outcome.kind !== "created") throw new Error("expected a signature");
    const { code } = (await lastEmailTo(t.db, email))!.props;
    const wrong = code === "ZZZZZZZZ" ? "YYYYYYYY" : "ZZZZZZZZ";
    const statuses: number[] = [];
    for (let i = 0; i < CODE_LIMITS.email.max; i++) {
      const res = await post("/confirm?index", { intent: "confirm", email, code: wrong }, { "x-forwarded-for": `203.0.113.${i + 1}` });
      statuses.push(res.status);
      expect(humanMessage(res)).toBeUndefined();
    }
    expect(statuses).toEqual(Array(CODE_LIMITS.email.max).fill(400));
    const past = await post("/confirm?index", { intent: "confirm", email, code: code! }, { "x-forwarded-for": "203.0.113.200" });
    expect(past.status).toBe(429);
    expect(past.body.replace(/<!-- -->/g, "")).toContain("Too many tries");
    const row = await t.db.selectFrom("signatures").select("state").where("id", "=", outcome.signatureId).executeTakeFirstOrThrow();
    expect(row.state).toBe("unconfirmed");
  });

  it("code guessing (sign-in): wrong codes are refused, and past the limit the right code no longer signs in", async () => {
    const email = `guess.${Date.now().toString(36)}@countersign.test`;
    const { code } = await signInCode(email);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 8; i++) {
      const res = await post("/admin/login", { email, intent: "code", code: wrong }, { "x-forwarded-for": `203.0.114.${i + 1}` });
      expect(res.status).toBe(400);
      expect(res.headers["set-cookie"]).toBeUndefined();
    }
    const past = await post("/admin/login", { email, intent: "code", code }, { "x-forwarded-for": "203.0.114.200" });
    expect(past.status).toBe(400);
    expect(past.headers["set-cookie"]).toBeUndefined();
  });

  it("session fixation: a session cookie planted before sign-in is not the one after, and never signs anyone in", async () => {
    const planted = "countersign_session=" + "a".repeat(40);
    const email = `fixation.${Date.now().toString(36)}@countersign.test`;
    const { code } = await signInCode(email);
    const res = await post("/admin/login", { email, intent: "code", code }, { cookie: planted });
    expect(res.status).toBe(302);
    const fresh = String(res.headers["set-cookie"]).split(";", 1)[0]!;
    expect(fresh).toMatch(/^countersign_session=[a-z0-9]+$/);
    expect(fresh).not.toBe(planted);
    expect((await client.send({ path: "/admin", headers: { cookie: planted } })).status).toBe(302);
    expect((await client.send({ path: "/admin", headers: { cookie: fresh } })).status).toBe(200);
    // A signed-in user's old session is not carried over either: a second sign-in gets another id.
    const again = await signInCode(email);
    const second = await post("/admin/login", { email, intent: "code", code: again.code }, { cookie: fresh });
    expect(String(second.headers["set-cookie"]).split(";", 1)[0]).not.toBe(fresh);
  });

  it("admin actions without the role: signed out, forged, or a label rep — refused, nothing changes", async () => {
    const rep = (await userWithSession(t.db, "label_rep")).cookie;
    const mod = moderator;
    for (const { path, body, cookie } of FORMS().filter((f) => f.cookie)) {
      if (path === "/admin/logout") continue;
      const asWho: [string, string | undefined, number][] = [
        ["signed out", undefined, 302],
        ["forged", "countersign_session=" + "b".repeat(40), 302],
        ["label rep", rep, 403],
        ...(cookie === admin ? ([["moderator", mod, 403]] as [string, string, number][]) : []),
      ];
      for (const [who, c, status] of asWho) {
        const before = await fingerprint(t.db);
        const res = await post(path, body, { cookie: c });
        expect(res.status, `${who} ${path}`).toBe(status);
        if (status === 302) expect(res.headers.location, `${who} ${path}`).toMatch(/^\/admin\/login\?next=/);
        expect(await fingerprint(t.db), `${who} ${path}`).toBe(before);
      }
    }
  });

  it("slow-loris: a body dripping in is cut off (408) while the server keeps answering everyone else", async () => {
    const url = new URL(server.url);
    const socket = net.connect(Number(url.port), url.hostname);
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString("utf8")));
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.write(`POST /?index HTTP/1.1\r\nHost: ${url.host}\r\nOrigin: ${server.url}\r\nContent-Type: ${form}\r\nContent-Length: 100000\r\n\r\ndisplayName=`);
    const drip = setInterval(() => socket.writable && socket.write("a"), 200);
    try {
      // Meanwhile others are served promptly, many times over.
      for (let i = 0; i < 10; i++) {
        const started = Date.now();
        const res = await client.send({ path: "/signatures" });
        expect(res.status).toBe(200);
        expect(Date.now() - started).toBeLessThan(5_000);
      }
      await closed;
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  }, 30_000);

  it("header injection: CR LF in a path or parameter never reaches a header", async () => {
    const crlf = ["%0d%0aSet-Cookie:%20pwned=1", "%0aX-Injected:%201", "%E5%98%8A%E5%98%8DSet-Cookie:%20pwned=1", "%0d%0a%0d%0a<script>"];
    const answers: Answer[] = [];
    for (const bad of crlf) {
      answers.push(await client.send({ path: `/admin/${bad}` })); // the sign-in redirect carries the path in Location
      answers.push(await client.send({ path: `/admin/login?next=/admin/${bad}` }));
      answers.push(await client.send({ path: `/press/snapshots/${bad}.csv` })); // the file name reaches Content-Disposition
      answers.push(await client.send({ path: `/signatures.csv?q=${bad}` }));
      answers.push(await client.send({ path: `/api/v1/signatures?q=${bad}` }));
      answers.push(await post(`/admin/logout?next=${bad}`, {}));
    }
    for (const res of answers) {
      expect(res.status).toBeLessThan(500);
      expect(res.headers["x-injected"]).toBeUndefined();
      for (const [name, value] of Object.entries(res.headers)) {
        expect(name).not.toBe("pwned");
        for (const v of [value].flat()) expect(String(v), name).not.toMatch(/[\r\n]|pwned=1/);
      }
    }
  });
});

/** A sign-in code for a (new) moderator, as the emailed one: requested over HTTP, issued by the worker. */
async function signInCode(email: string) {
  await addUser(t.db, email, "moderator").catch(() => undefined);
  await post("/admin/login", { email }, { "x-forwarded-for": `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}` });
  await createOutboxWorker(t.db, createDevMailboxTransport(t.db, silentLog), silentLog, testWorkerOptions).drain();
  const mail = await t.db.selectFrom("dev_mailbox").select("subject").where("to_address", "=", email).orderBy("id", "desc").executeTakeFirstOrThrow();
  return { code: /(\d{6})$/.exec(mail.subject)![1]! };
}
