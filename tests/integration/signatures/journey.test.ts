import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashIp } from "../../../app/domain/abuse/ip.server";
import { setupTestDatabase } from "../../support/db";
import { drainUntilSettled, standinWorker } from "../../support/outbox";
import { startResendStandin, type ResendStandin } from "../../support/resend-standin";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter, uniqueEmail } from "../../support/signatures";

const t = setupTestDatabase();
const IP_SECRET = "journey-ip-hash-secret-0123456789abcdef";
let server: TestServer;
let standin: ResendStandin;

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  standin = await startResendStandin({ apiKey: "re_test_key" });
  // Behind a trusted proxy, so each test request can come from an address of its own.
  server = await startTestServer(t.database, { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback", IP_HASH_SECRET: IP_SECRET });
});
afterAll(async () => {
  await server?.close();
  await standin?.close();
});

const form = "application/x-www-form-urlencoded";

let client = 0;
function post(path: string, body: string | URLSearchParams, contentType = form) {
  const ip = `198.18.${Math.floor(++client / 250)}.${(client % 250) + 1}`;
  return fetch(`${server.url}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": contentType, "x-forwarded-for": ip },
    redirect: "manual",
  });
}

function signBody(email: string, extra: Record<string, string> = {}) {
  return new URLSearchParams({
    displayName: "  Phoebe Bridgers  ",
    role: "songwriter",
    country: "US",
    email,
    attest: "on",
    consent: "on",
    link: "https://phoebe.example/music",
    ...extra,
  });
}

/** Delivers the queued emails to the stand-in and returns the links of the last one sent to `to`. */
async function inbox(to: string): Promise<{ subject: string; links: string[]; text: string }> {
  await drainUntilSettled(t.db, standinWorker(t.db, standin));
  const email = standin.emails.filter((e) => e.to.includes(to)).at(-1);
  if (!email) throw new Error(`no email to ${to}`);
  const links = [...(email.html ?? "").matchAll(/href="http:\/\/letters\.test([^"]+)"/g)].map((m) => m[1]!);
  return { subject: email.subject, links, text: email.text ?? "" };
}

async function signatureCount(): Promise<number> {
  const rows = await t.db.selectFrom("signatures").select("id").execute();
  return rows.length;
}

async function stateFor(email: string) {
  const row = await t.db.selectFrom("signatures").select("state").where("email", "=", email).executeTakeFirst();
  return row?.state;
}

describe("an artist signs through the website", () => {
  it("form → email → link → confirm → pending → manage → edit → withdraw", async () => {
    const email = uniqueEmail("phoebe");
    const page = await (await fetch(`${server.url}/`)).text();
    expect(page).toContain('action="/?index"');
    const version = /name="version" value="([0-9a-f]{64})"/.exec(page)?.[1];
    expect(version).toBeTruthy();

    const submitted = await post("/?index", signBody(email, { version: version! }));
    expect(submitted.status).toBe(302);
    expect(submitted.headers.get("location")).toBe("/signed");
    expect(await (await fetch(`${server.url}/signed`)).text()).toContain("Check your inbox");
    expect(await stateFor(email)).toBe("unconfirmed");

    const confirmation = await inbox(email);
    expect(confirmation.subject).toBe("Confirm your signature: Stop running ICE recruitment ads on Spotify");
    const confirmPath = confirmation.links.find((l) => l.startsWith("/confirm/"))!;
    expect(confirmPath).toMatch(/^\/confirm\/[A-Za-z0-9_-]{43}$/);

    // A mail scanner opening the link changes nothing.
    const shown = await fetch(`${server.url}${confirmPath}`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get("cache-control")).toBe("no-store");
    const shownHtml = await shown.text();
    expect(shownHtml).toContain("Confirm my signature");
    expect(shownHtml).toContain("Phoebe Bridgers");
    expect(shownHtml).not.toContain(email);
    expect(await stateFor(email)).toBe("unconfirmed");

    const confirmed = await post(confirmPath, "intent=confirm");
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain("Your signature is confirmed");
    expect(await stateFor(email)).toBe("pending");
    const again = await post(confirmPath, "intent=confirm");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Your signature is confirmed");
    expect(await (await fetch(`${server.url}${confirmPath}`)).text()).toContain("Your signature is confirmed");

    const welcome = await inbox(email);
    expect(welcome.subject).toBe("Your signature is confirmed: Stop running ICE recruitment ads on Spotify");
    const managePath = welcome.links.find((l) => l.startsWith("/manage/"))!;
    const manage = await fetch(`${server.url}${managePath}`);
    expect(manage.status).toBe(200);
    expect(await manage.text()).toContain('value="Phoebe Bridgers"');

    const edited = await post(
      managePath,
      new URLSearchParams({ intent: "update", displayName: "Phoebe Bridgers", role: "musician", country: "US", consent: "on" }),
    );
    expect(edited.status).toBe(200);
    expect(await edited.text()).toContain("Saved.");
    const refused = await post(managePath, new URLSearchParams({ intent: "withdraw" }));
    expect(refused.status).toBe(400);
    expect(await stateFor(email)).toBe("pending");

    const withdrawn = await post(managePath, new URLSearchParams({ intent: "withdraw", confirmWithdraw: "on" }));
    expect(withdrawn.status).toBe(200);
    expect(await withdrawn.text()).toContain("Your signature is withdrawn");
    expect(await stateFor(email)).toBeUndefined(); // the address itself is deleted
    expect((await fetch(`${server.url}${managePath}`)).status).toBe(410);
    expect(standin.validationErrors).toEqual([]);
  });

  it("confirms with the 8-character code instead of the link", async () => {
    const email = uniqueEmail("code");
    await post("/?index", signBody(email));
    const { text } = await inbox(email);
    const code = /\n([0-9A-Z]{8})\n/.exec(text)?.[1];
    expect(code).toBeTruthy();

    const found = await post("/confirm", new URLSearchParams({ email, code: code!.toLowerCase(), intent: "find" }));
    expect(found.status).toBe(200);
    expect(await found.text()).toContain("Confirm my signature");
    expect(await stateFor(email)).toBe("unconfirmed");
    const done = await post("/confirm", new URLSearchParams({ email, code: code!, intent: "confirm" }));
    expect(await done.text()).toContain("Your signature is confirmed");
    expect(await stateFor(email)).toBe("pending");

    const wrong = await post("/confirm", new URLSearchParams({ email, code: "00000000", intent: "find" }));
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("This code does not match that email address");
  });

  it("answers concurrent confirmations of one link with a 200 page each, and one transition", async () => {
    const email = uniqueEmail("race");
    await post("/?index", signBody(email));
    const path = (await inbox(email)).links.find((l) => l.startsWith("/confirm/"))!;
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(path, "intent=confirm")));
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(200));
    for (const r of responses) expect(await r.text()).toContain("Your signature is confirmed");
    const confirms = await t.db
      .selectFrom("audit_log")
      .select("id")
      .where("action", "=", "confirm")
      .where(
        "subject_id",
        "in",
        t.db
          .selectFrom("signatures")
          .select((eb) => eb.cast<string>("id", "text").as("id"))
          .where("email", "=", email),
      )
      .execute();
    expect(confirms).toHaveLength(1);
  });

  it("shows the same page for an address that has signed before", async () => {
    const email = uniqueEmail("twice");
    const first = await post("/?index", signBody(email));
    const second = await post("/?index", signBody(email.toUpperCase(), { displayName: "Someone Else" }));
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(second.headers.get("location")).toBe(first.headers.get("location"));
  });
});

describe("the client IP", () => {
  async function ipHashOf(email: string) {
    const row = await t.db.selectFrom("signatures").select("ip_hash").where("email", "=", email).executeTakeFirstOrThrow();
    return row.ip_hash;
  }
  function signFrom(url: string, email: string, forwardedFor: string) {
    return fetch(`${url}/?index`, {
      method: "POST",
      body: signBody(email),
      headers: { "content-type": form, "x-forwarded-for": forwardedFor },
      redirect: "manual",
    });
  }

  it("comes from X-Forwarded-For only when the peer is a trusted proxy", async () => {
    const trusted = uniqueEmail("trusted");
    await signFrom(server.url, trusted, "203.0.113.10");
    expect(await ipHashOf(trusted)).toBe(hashIp(IP_SECRET, "203.0.113.10"));

    const direct = await startTestServer(t.database, { IP_HASH_SECRET: IP_SECRET });
    try {
      const spoofed = uniqueEmail("spoofed");
      await signFrom(direct.url, spoofed, "203.0.113.11");
      expect(await ipHashOf(spoofed)).toBe(hashIp(IP_SECRET, "127.0.0.1"));
    } finally {
      await direct.close();
    }
  });
});

describe("bad input", () => {
  it("gets a message next to each field and writes nothing", async () => {
    const before = await signatureCount();
    const res = await post("/?index", new URLSearchParams({ displayName: '=HYPERLINK("x")', role: "singer", country: "XX", email: "not-an-address" }));
    expect(res.status).toBe(400);
    const html = await res.text();
    for (const [field, message] of [
      ["displayName", "A name cannot start with =, +, - or @"],
      ["role", "Choose your role"],
      ["country", "Choose your country from the list"],
      ["email", "Enter a valid email address, like name@example.org"],
      ["attest", "Confirm that you are this artist or authorised to sign for them"],
      ["consent", "Tick “Show this name publicly”, or choose to be counted without your name being shown"],
    ]) {
      expect(html).toContain(`id="sign-${field}-error" aria-live="polite"><p>${message}</p>`);
      expect(html).toMatch(new RegExp(`id="sign-${field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="sign-${field}"`));
    }
    expect(await signatureCount()).toBe(before);
  });

  it("refuses what no form sends, never with a 500, writing nothing", async () => {
    const before = await signatureCount();
    const email = uniqueEmail("bad");
    const cases: [string, Promise<Response>, number][] = [
      ["a JSON body", post("/?index", JSON.stringify({ displayName: "X", email }), "application/json"), 415],
      ["a multipart body", post("/?index", "--x\r\n", "multipart/form-data; boundary=x"), 415],
      ["a huge body", post("/?index", `displayName=${"a".repeat(40_000)}&email=${email}`), 413],
      ["malformed UTF-8", post("/?index", `displayName=%FF%FE%FD&email=${encodeURIComponent(email)}&role=dj&country=FR&attest=on&consent=on`), 400],
      ["a name of 121 characters", post("/?index", signBody(email, { displayName: "x".repeat(121) })), 400],
      ["a field sent twice", post("/?index", `${signBody(email)}&role=dj`), 400],
      ["a javascript: link", post("/?index", signBody(email, { link: "javascript:alert(1)" })), 400],
      ["a comment of 281 characters", post("/?index", signBody(email, { comment: "c".repeat(281) })), 400],
      ["a zero-width space in the name", post("/?index", signBody(email, { displayName: "Phoebe\u200bBridgers" })), 400],
      ["an empty body", post("/?index", ""), 400],
      ["a confirm POST of JSON", post("/confirm/abc", "{}", "application/json"), 415],
      ["a code that is too short", post("/confirm", new URLSearchParams({ email, code: "123", intent: "find" })), 400],
      ["a manage POST with a made-up token", post(`/manage/${"A".repeat(43)}`, new URLSearchParams({ intent: "withdraw", confirmWithdraw: "on" })), 404],
    ];
    for (const [what, response, status] of cases) {
      const res = await response;
      expect(res.status, what).toBe(status);
      expect(await res.text(), what).not.toContain("Something went wrong");
    }
    expect(await signatureCount()).toBe(before);
  });

  it("never puts a signer's email or IP in the server's logs", async () => {
    const email = uniqueEmail("private");
    await fetch(`${server.url}/?index`, {
      method: "POST",
      body: signBody(email),
      headers: { "content-type": form, "x-forwarded-for": "203.0.113.50" },
      redirect: "manual",
    });
    await inbox(email);
    const logs = JSON.stringify(server.logs);
    expect(logs).not.toContain(email);
    expect(logs).not.toContain("203.0.113.50");
    expect(logs).not.toMatch(/\/confirm\/[A-Za-z0-9_-]{20,}/);
  });
});
