import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../../app/domain/auth/users.server";
import { createDevMailboxTransport } from "../../../app/domain/outbox/transport.server";
import { createOutboxWorker } from "../../../app/domain/outbox/worker.server";
import { createLogger } from "../../../app/utils/logger.server";
import { setupTestDatabase } from "../../support/db";
import { testWorkerOptions } from "../../support/outbox";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter, uniqueEmail } from "../../support/signatures";

const t = setupTestDatabase();
let server: TestServer;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
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
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, "x-forwarded-for": `198.20.0.${++client}` },
    redirect: "manual",
  });
}

/** Sends what is queued through the dev mailbox, its log lines going where the server's go. */
async function deliver() {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) server.logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const log = createLogger("info", sink);
  await createOutboxWorker(t.db, createDevMailboxTransport(t.db, log, "http://letters.test"), log, testWorkerOptions).drain();
}

/** The newest email in the dev mailbox to `to`, as its reader sees it. */
async function mailTo(to: string) {
  const row = await t.db
    .selectFrom("dev_mailbox")
    .select(["subject", "html", "text"])
    .where("to_address", "=", to)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  const tokens = [...row.html.matchAll(/http:\/\/letters\.test\/[a-z/]+\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]!);
  return { ...row, tokens };
}

describe("the logs of a whole flow", () => {
  it("never contain a token, a code or an address (signing, confirming, managing, moderator sign-in)", async () => {
    const secrets: string[] = [];

    const email = uniqueEmail("logged");
    const page = await (await fetch(`${server.url}/`)).text();
    const version = /name="version" value="([0-9a-f]{64})"/.exec(page)![1]!;
    const signed = await post("/?index", {
      displayName: "Log Reader",
      role: "musician",
      country: "US",
      email,
      attest: "on",
      consent: "on",
      version,
    });
    expect(signed.status).toBe(302);
    await deliver();
    const confirmation = await mailTo(email);
    const confirmToken = confirmation.tokens[0]!;
    const confirmCode = /\b([0-9A-HJKMNP-TV-Z]{8})\b/.exec(confirmation.text)![1]!;
    secrets.push(email, confirmToken, confirmCode);

    expect((await fetch(`${server.url}/confirm/${confirmToken}`)).status).toBe(200);
    expect((await post("/confirm", { email, code: confirmCode, intent: "find" })).status).toBe(200);
    expect((await post(`/confirm/${confirmToken}`, { intent: "confirm" })).status).toBe(200);
    await deliver();
    const manageToken = (await mailTo(email)).tokens[0]!;
    secrets.push(manageToken);
    expect((await fetch(`${server.url}/manage/${manageToken}`)).status).toBe(200);

    const moderator = uniqueEmail("moderator");
    await addUser(t.db, moderator, "moderator");
    expect((await post("/admin/login", { email: moderator })).status).toBe(200);
    await deliver();
    const first = await mailTo(moderator);
    const loginCode = /(\d{6})/.exec(first.subject)![1]!;
    secrets.push(moderator, first.tokens[0]!, loginCode);
    expect((await post("/admin/login", { email: moderator, intent: "code", code: loginCode })).status).toBe(302);
    expect((await post("/admin/login", { email: moderator })).status).toBe(200);
    await deliver();
    const second = await mailTo(moderator);
    secrets.push(second.tokens[0]!, /(\d{6})/.exec(second.subject)![1]!);
    expect((await fetch(`${server.url}/admin/login/${second.tokens[0]}`)).status).toBe(200);
    expect((await post(`/admin/login/${second.tokens[0]}`, {})).status).toBe(302);

    expect(server.logs.length).toBeGreaterThan(10);
    // Without the numbers pino adds (a 6-digit code could be part of a timestamp by chance).
    const logged = JSON.stringify(server.logs.map(({ time: _time, pid: _pid, ms: _ms, ...rest }) => rest));
    for (const secret of secrets) expect(logged, `the logs contain ${secret}`).not.toContain(secret);
  });
});
