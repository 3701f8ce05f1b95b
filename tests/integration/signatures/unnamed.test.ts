import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addUser } from "../../../app/domain/auth/users.server";
import { decide } from "../../../app/domain/moderation/decide.server";
import { refreshRollup } from "../../../app/domain/public-list/rollup.server";
import { takeSnapshot } from "../../../app/domain/public-list/snapshots.server";
import { setupTestDatabase } from "../../support/db";
import { drainUntilSettled, standinWorker } from "../../support/outbox";
import { startResendStandin, type ResendStandin } from "../../support/resend-standin";
import { startTestServer, type TestServer } from "../../support/server";
import { PUBLIC_OUTPUTS } from "../../support/public-list";
import { registerCurrentLetter, uniqueEmail } from "../../support/signatures";

// Signing without being named (decision 016), over HTTP against the real app: the signature is
// confirmed, moderated and counted like any other, and its name is in no public output.

const t = setupTestDatabase();
let server: TestServer;
let standin: ResendStandin;
let letterId: number;
let moderatorId: string;

const QUIET = "Quillon Vesperine";
const LOUD = "Loudmouth Aurelio";

beforeAll(async () => {
  letterId = (await registerCurrentLetter(t.db)).letterId;
  moderatorId = (await addUser(t.db, `moderator.${Date.now()}@countersign.test`, "moderator")).id;
  standin = await startResendStandin({ apiKey: "re_test_key" });
  server = await startTestServer(t.database, { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback" });
});
afterAll(async () => {
  await server?.close();
  await standin?.close();
});

let client = 0;
function post(path: string, body: Record<string, string>) {
  const ip = `198.18.${Math.floor(++client / 250)}.${(client % 250) + 1}`;
  return fetch(`${server.url}${path}`, {
    method: "POST",
    body: new URLSearchParams(body),
    headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": ip },
    redirect: "manual",
  });
}
const get = (path: string) => fetch(`${server.url}${path}`);

/** Delivers what is queued and gives the site links of the newest email to `to`. */
async function linksTo(to: string): Promise<string[]> {
  await drainUntilSettled(t.db, standinWorker(t.db, standin));
  const email = standin.emails.filter((e) => e.to.includes(to)).at(-1);
  if (!email) throw new Error("no email to the signer");
  return [...(email.html ?? "").matchAll(/href="http:\/\/letters\.test([^"]+)"/g)].map((m) => m[1]!);
}

const signature = (email: string) =>
  t.db.selectFrom("signatures").select(["id", "state", "named", "consent_public", "updated_at"]).where("email", "=", email).executeTakeFirstOrThrow();

async function approve(email: string) {
  const row = await signature(email);
  const outcome = await decide(t.db, { signatureId: row.id, decision: "approve", expectedState: "pending", actorId: moderatorId });
  expect(outcome.status).toBe("done");
  await refreshRollup(t.db, letterId);
}

/** Signs through the form, confirms from the email, and gives the manage link. */
async function signAndConfirm(name: string, email: string, listing: Record<string, string>): Promise<string> {
  const signed = await post("/?index", { displayName: name, role: "songwriter", country: "MX", email, attest: "on", ...listing });
  expect(signed.status).toBe(302);
  const confirmPath = (await linksTo(email)).find((l) => l.startsWith("/confirm/"))!;
  expect((await post(confirmPath, { intent: "confirm" })).status).toBe(200);
  return (await linksTo(email)).find((l) => l.startsWith("/manage/"))!;
}

interface SnapshotEntry {
  identifier: string;
  path: string;
}

/** Every public output that can carry names, read as the press would, joined into one text. */
async function everyPublicOutput(): Promise<string> {
  const paths: string[] = [
    ...PUBLIC_OUTPUTS.filter((p) => !p.endsWith(".png")),
    // Searches echo their words back into the search box: the words are lower case, the name is not.
    "/signatures?q=vesperine",
    "/signatures?q=quillon",
    "/signatures?country=MX",
    "/signatures?role=songwriter",
    "/api/v1/signatures?q=quillon",
  ];
  const index = (await (await get("/press/snapshots.json")).json()) as { data: SnapshotEntry[] };
  paths.push(...index.data.map((s) => s.path));
  const bodies = await Promise.all(
    paths.map(async (p) => {
      const res = await get(p);
      expect(res.status, p).toBe(200);
      return `${p}\n${await res.text()}`;
    }),
  );
  return bodies.join("\n");
}

const stats = async () => (await (await get("/api/v1/stats")).json()) as { total: number; unnamed: number; byCountry: { country: string; count: number }[] };

describe("signing without being named", () => {
  const quietEmail = uniqueEmail("quiet");
  const loudEmail = uniqueEmail("loud");
  let quietManage = "";

  it("offers the choice on the form, and asks for one of the two next to the box", async () => {
    const page = await (await get("/")).text();
    expect(page).toContain("Count my signature but do not show my name.");
    const refused = await post("/?index", { displayName: "Nobody Ticked", role: "dj", country: "FR", email: uniqueEmail("neither"), attest: "on" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Tick “Show this name publicly”, or choose to be counted without your name being shown");
    expect(await t.db.selectFrom("signatures").select("id").where("display_name", "=", "Nobody Ticked").execute()).toEqual([]);
  });

  it("confirms, moderates and counts an unnamed signature, and shows its name nowhere public", async () => {
    quietManage = await signAndConfirm(QUIET, quietEmail, { unnamed: "on" });
    await signAndConfirm(LOUD, loudEmail, { consent: "on" });
    expect(await signature(quietEmail)).toMatchObject({ state: "pending", named: false, consent_public: false });
    await approve(quietEmail);
    await approve(loudEmail);
    await takeSnapshot(t.db, letterId);

    expect(await stats()).toMatchObject({ total: 2, unnamed: 1, byCountry: [{ country: "MX", count: 2 }] });
    const list = await (await get("/signatures")).text();
    expect(list).toContain(LOUD);
    expect(list).toMatch(/data-testid="approved-count">1</);
    expect(list).toContain("1 more signed without being named");
    const everything = await everyPublicOutput();
    expect(everything).toContain(LOUD);
    expect(everything).not.toContain("Quillon");
    expect(everything).not.toContain("Vesperine");
  });

  it("shows the name only after a moderator approves it again when the signer chooses to be named", async () => {
    const page = await (await get(quietManage)).text();
    expect(page).toContain("Your signature is counted; your name is not shown anywhere public.");
    const saved = await post(quietManage, { intent: "update", displayName: QUIET, role: "songwriter", country: "MX", consent: "on" });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Your changes go back to a moderator");
    expect(await signature(quietEmail)).toMatchObject({ state: "pending", named: true, consent_public: true });
    await refreshRollup(t.db, letterId);
    expect(await stats()).toMatchObject({ total: 1, unnamed: 0 });
    expect(await everyPublicOutput()).not.toContain(QUIET);

    await approve(quietEmail);
    const snapshot = await takeSnapshot(t.db, letterId);
    expect(await (await get("/signatures")).text()).toContain(QUIET);
    const file = await (await get(`/press/snapshots/${snapshot.identifier}.csv`)).text();
    expect(file).toContain(QUIET);
    expect(await stats()).toMatchObject({ total: 2, unnamed: 0 });
  });

  it("takes the name off every output at once, sealed snapshots included, when the signer asks not to be named", async () => {
    const saved = await post(quietManage, { intent: "update", displayName: QUIET, role: "songwriter", country: "MX", unnamed: "on" });
    expect(saved.status).toBe(200);
    expect(await saved.text()).not.toContain("go back to a moderator");
    // Still approved and counted: no second moderation to stop being shown.
    expect(await signature(quietEmail)).toMatchObject({ state: "approved", named: false, consent_public: false });
    // The list reads the signatures themselves: gone before the counts are refreshed.
    expect(await (await get("/signatures")).text()).not.toContain(QUIET);
    await refreshRollup(t.db, letterId);
    expect(await stats()).toMatchObject({ total: 2, unnamed: 1 });
    const everything = await everyPublicOutput();
    expect(everything).not.toContain(QUIET);
    expect(everything).toContain(LOUD);
    const index = (await (await get("/press/snapshots.json")).json()) as { data: { redactedRows: number }[] };
    expect(index.data.map((s) => s.redactedRows)).toContain(1);
  });

  it("records each switch in the audit log", async () => {
    const row = await signature(quietEmail);
    const audit = await t.db
      .selectFrom("audit_log")
      .select(["action", "reason"])
      .where("subject_id", "=", row.id)
      .where("action", "in", ["edit", "amend"])
      .orderBy("id")
      .execute();
    expect(audit).toEqual([
      { action: "edit", reason: "public listing (now shown by name) changed" },
      { action: "amend", reason: "asked not to be named" },
    ]);
  });
});
