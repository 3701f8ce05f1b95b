import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevMailboxTransport } from "../../../app/domain/outbox/transport.server";
import { createOutboxWorker } from "../../../app/domain/outbox/worker.server";
import { createLogger } from "../../../app/utils/logger.server";
import { setupTestDatabase } from "../../support/db";
import { confirmationToken, enqueueConfirmations, runOf, testWorkerOptions } from "../../support/outbox";
import { startTestServer, type TestServer } from "../../support/server";

const t = setupTestDatabase();
let server: TestServer;
const logLines: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = await startTestServer(t.database);
});
afterAll(async () => {
  await server?.close();
});

describe("the dev mailbox", () => {
  it("keeps every email sent without RESEND_API_KEY, lists it, and logs where it waits (never its links)", async () => {
    const log = createLogger("info", { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
    const worker = createOutboxWorker(t.db, createDevMailboxTransport(t.db, log, "http://letters.test"), log, testWorkerOptions);
    const [to] = await enqueueConfirmations(t.db, 1, "mailbox");
    expect(await worker.drain()).toBe(1);
    // Idempotent like the provider: the same request again stores nothing new.
    expect(await t.db.selectFrom("dev_mailbox").select("id").execute()).toHaveLength(1);

    const confirmLink = `http://letters.test/confirm/${confirmationToken(runOf(to!).run, runOf(to!).index)}`;
    const waiting = logLines.filter((l) => l.msg === "email waiting in the dev mailbox");
    expect(waiting).toHaveLength(1);
    expect(waiting[0]!.url).toMatch(/^http:\/\/letters\.test\/dev\/mailbox\/\d+$/);
    expect(JSON.stringify(logLines)).not.toContain(to!);
    expect(JSON.stringify(logLines)).not.toContain(confirmationToken(runOf(to!).run, runOf(to!).index));
    expect(JSON.stringify(logLines)).not.toContain("ABCD2345");

    const list = await (await fetch(`${server.url}/dev/mailbox`)).text();
    expect(list).toContain("Confirm your signature: Stop running ICE recruitment ads on Spotify");
    const id = /href="\/dev\/mailbox\/(\d+)"/.exec(list)?.[1];
    expect(id).toBeTruthy();

    const page = await (await fetch(`${server.url}/dev/mailbox/${id}`)).text();
    expect(page).toContain(`href="${confirmLink}"`);
    expect(page).toContain("ABCD2345");

    const html = await fetch(`${server.url}/dev/mailbox/${id}/html`);
    expect(html.status).toBe(200);
    expect(html.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; frame-ancestors 'none'; form-action 'none'",
    );
    expect(await html.text()).toContain(confirmLink);
  });

  it("answers 404 for an unknown or malformed id", async () => {
    expect((await fetch(`${server.url}/dev/mailbox/999999`)).status).toBe(404);
    expect((await fetch(`${server.url}/dev/mailbox/abc'`)).status).toBe(404);
    expect((await fetch(`${server.url}/dev/mailbox/abc/html`)).status).toBe(404);
  });

  it("is not served when HOST is not a loopback address, unless DEV_MAILBOX=on", async () => {
    const [to] = await enqueueConfirmations(t.db, 1, "exposed");
    const log = createLogger("silent");
    await createOutboxWorker(t.db, createDevMailboxTransport(t.db, log), log, testWorkerOptions).drain();
    const row = await t.db.selectFrom("dev_mailbox").select("id").where("to_address", "=", to!).executeTakeFirstOrThrow();

    const exposed = await startTestServer(t.database, { HOST: "0.0.0.0" });
    try {
      for (const path of ["/dev/mailbox", `/dev/mailbox/${row.id}`, `/dev/mailbox/${row.id}/html`]) {
        const res = await fetch(`${exposed.url}${path}`);
        expect(res.status, path).toBe(404);
        const body = await res.text();
        expect(body).not.toContain(to!);
        expect(body).not.toContain("ABCD2345");
        expect(body).not.toContain("Confirm your signature");
      }
    } finally {
      await exposed.close();
    }

    const optedIn = await startTestServer(t.database, { HOST: "0.0.0.0", DEV_MAILBOX: "on" });
    try {
      expect((await fetch(`${optedIn.url}/dev/mailbox/${row.id}`)).status).toBe(200);
    } finally {
      await optedIn.close();
    }
    for (const host of ["localhost", "127.0.0.2", "::1", "[::1]"]) {
      const local = await startTestServer(t.database, { HOST: host });
      try {
        expect((await fetch(`${local.url}/dev/mailbox`)).status, host).toBe(200);
      } finally {
        await local.close();
      }
    }
  });

  it("does not exist in production or when a real provider is configured", async () => {
    const withProvider = await startTestServer(t.database, { RESEND_API_KEY: "re_live_key" });
    try {
      expect((await fetch(`${withProvider.url}/dev/mailbox`)).status).toBe(404);
      expect((await fetch(`${withProvider.url}/dev/mailbox/1/html`)).status).toBe(404);
    } finally {
      await withProvider.close();
    }
  });
});
