import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmByToken } from "../../app/domain/signatures/confirm.server";
import { withdrawSignature } from "../../app/domain/signatures/manage.server";
import { userWithSession } from "../support/auth";
import { setupTestDatabase } from "../support/db";
import type { TestServer } from "../support/server";
import { lastEmailTo, registerCurrentLetter, sign, uniqueEmail } from "../support/signatures";
import { clientFor, fingerprint, humanMessage, startFuzzServer, type Client } from "./harness";

// The cases the property tests found, each kept as a named test of its own.
const t = setupTestDatabase();
let server: TestServer;
let client: Client;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  server = await startFuzzServer(t.database);
  client = clientFor(server);
});
afterAll(async () => {
  client?.close();
  await server?.close();
});

async function manageToken() {
  const email = uniqueEmail("regression");
  const outcome = await sign(t.db, { email });
  if (outcome.kind !== "created") throw new Error("expected a signature");
  await confirmByToken(t.db, (await lastEmailTo(t.db, email))!.props.token!);
  return (await lastEmailTo(t.db, email))!.props.manageToken!;
}

const post = (path: string, body: string, cookie?: string) =>
  client.send({ method: "POST", path, body, headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, cookie } });

/** The message a person reads (React's text-node separators removed). */
const text = (html: string) => html.replace(/<!-- -->/g, "");

describe("found by the property tests", () => {
  it("manage: a post without an intent says which buttons to use (it showed the form with no message)", async () => {
    const token = await manageToken();
    const before = await fingerprint(t.db);
    const res = await post(`/manage/${token}`, "displayName=Aa&role=musician&country=GB&consent=on");
    expect(res.status).toBe(400);
    expect(text(res.body)).toContain("Use the “Save changes” or “Withdraw” button on this page.");
    expect(humanMessage(res)).toBeUndefined();
    expect(await fingerprint(t.db)).toBe(before);
  });

  it("manage: a bad form on a withdrawn signature's link answers 410 with its page (it was a 400 with no message)", async () => {
    const token = await manageToken();
    await withdrawSignature(t.db, token);
    const res = await post(`/manage/${token}`, "intent=update&displayName=&consent=on");
    expect(res.status).toBe(410);
    expect(text(res.body)).toContain("Your signature is withdrawn");
    const withdraw = await post(`/manage/${token}`, "intent=withdraw");
    expect(withdraw.status).toBe(410);
  });

  it("moderators: a post without an intent, or with a bad id, shows its message above the form (it showed none)", async () => {
    const admin = await userWithSession(t.db, "admin");
    for (const body of ["email=invited%40countersign.test&role=&id=4", "intent=remove&id=abc"]) {
      const before = await fingerprint(t.db);
      const res = await post("/admin/moderators", body, admin.cookie);
      expect(res.status, body).toBe(400);
      expect(text(res.body), body).toMatch(/role="alert"><p>(Use one of the buttons on the page|No such account)<\/p>/);
      expect(await fingerprint(t.db)).toBe(before);
    }
  });

  it("/signatures: a bad page size gets a message on the page (it was a 400 with none)", async () => {
    for (const limit of ["AAAA", "0", "201", "1.5", "1e309"]) {
      const res = await client.send({ path: `/signatures?limit=${limit}` });
      expect(res.status, limit).toBe(400);
      expect(text(res.body), limit).toMatch(/Give a page size from 1 to 200|At most 200 a page/);
      const api = await client.send({ path: `/api/v1/signatures?limit=${limit}` });
      expect((JSON.parse(api.body) as { fields: { limit: string } }).fields.limit, limit).toMatch(/page size|At most 200/);
    }
  });

  it("every form: a repeated or missing field gets a person's words, never zod's defaults", async () => {
    const mod = await userWithSession(t.db, "moderator");
    const admin = await userWithSession(t.db, "admin");
    const cases: [string, string, string?][] = [
      ["/?index", "displayName=Aa&role=musician&country=GB&link=https%3A%2F%2Fa.example&link=&email=a%40b.example&attest=on&consent=on"],
      ["/admin?index", "id=1&intent=&version=&reason=fake", mod.cookie],
      ["/admin/signatures/1", "intent=", mod.cookie],
      ["/admin/bulk", "state=pending&ipHash=&ipHash=0a000a0a0aaa00aaa0a00000aa00aa00&action=approve", mod.cookie],
      ["/admin/notable", "intent=remove&name=", admin.cookie],
    ];
    for (const [path, body, cookie] of cases) {
      const res = await post(path, body, cookie);
      expect(res.status, path).toBe(400);
      expect(res.body, path).not.toMatch(/Invalid (discriminator|input)|expected string|received (array|undefined)/);
      expect(humanMessage(res), path).toBeUndefined();
    }
  });
});
