import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIGNING_LIMITS } from "../../app/domain/abuse/limits";
import { reconcileRollup } from "../../app/domain/public-list/rollup.server";
import { openPostgres, type Database } from "../../db/client";
import { userWithSession } from "../support/auth";
import {
  LOAD_SECONDS,
  WEB_ENV,
  accepted,
  confirmAsEmailsArrive,
  postForm,
  scratchDatabase,
  signingLoad,
  sleep,
  standinEnv,
  submitSignForm,
} from "../support/faults";
import { spawnNode, spawnServer, type ServerProcess } from "../support/process";
import { startResendStandin, type ResendStandin } from "../support/resend-standin";

/**
 * Two web processes (no worker inside) and two `server/worker.ts` processes on one PostgreSQL, under
 * a signing and confirming load: the rate limit is shared, each email goes out once, two moderators
 * on different processes deciding one signature get one winner, and the public counts are exact.
 */
let standin: ResendStandin;
let scratch: { url: string; drop(): Promise<void> };
let database: Database;
const processes: ServerProcess[] = [];
let web: string[] = [];

beforeAll(async () => {
  standin = await startResendStandin({ apiKey: "re_test_key" });
  scratch = await scratchDatabase();
  const env = { ...WEB_ENV, ...standinEnv(standin.url), DATABASE_URL: scratch.url, PUBLIC_REFRESH_SECONDS: "1", DATABASE_POOL_SIZE: "4" };
  const spawnWeb = () => spawnServer({ ...env, OUTBOX_WORKER: "off" });
  // The first migrates the fresh database; the others start on it.
  processes.push(spawnWeb());
  web = [await processes[0]!.listening];
  processes.push(spawnWeb(), spawnNode("server/worker.ts", env), spawnNode("server/worker.ts", env));
  web.push(await processes[1]!.listening);
  database = openPostgres(scratch.url, 2);
}, 60_000);
afterAll(async () => {
  for (const p of processes) p.child.kill("SIGKILL");
  await Promise.all(processes.map((p) => p.exited));
  await database?.close();
  await standin?.close();
  await scratch?.drop();
});

async function signatureStates(emails: string[]) {
  return database.db.selectFrom("signatures").select(["id", "email", "state", "quarantine_reason"]).where("email", "in", emails).execute();
}

/**
 * The recount runs in repeatable read: when a web process's refresh tick (every second here) updates
 * the roll-up first, it fails with a serialization error, and the app's tick tries again later. So does this.
 */
async function reconcileRetrying(letterId: number) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await reconcileRollup(database.db, letterId);
    } catch (error) {
      if ((error as { code?: string }).code !== "40001" || attempt === 10) throw error;
      await sleep(100);
    }
  }
}

describe("two web processes and two workers on one PostgreSQL", () => {
  it("hold the rate limit across processes", async () => {
    // A fixed window: stay clear of a minute's turn, so all the tries count against one window.
    while (new Date().getSeconds() > 50) await sleep(500);
    const run = `rl${Date.now().toString(36)}`;
    const tries = 2 * SIGNING_LIMITS.ipBurst.max;
    const submissions = [];
    for (let i = 0; i < tries; i++) submissions.push(await submitSignForm(web[i % 2]!, run, "203.0.113.77"));
    // Every try sees "check your inbox" (a limited signer is not told); beyond the limit they are quarantined, with no email.
    expect(submissions.filter(accepted)).toHaveLength(tries);
    const rows = await signatureStates(submissions.map((s) => s.email));
    expect(rows.filter((r) => r.state === "unconfirmed")).toHaveLength(SIGNING_LIMITS.ipBurst.max);
    expect(rows.filter((r) => r.state === "quarantined" && r.quarantine_reason?.includes("ip"))).toHaveLength(tries - SIGNING_LIMITS.ipBurst.max);
  });

  it("send each email once, give one moderator the decision, and keep the counts exact", async () => {
    const began = Date.now();
    let stop = false;
    const signing = signingLoad(web, 8, () => Date.now() - began > LOAD_SECONDS * 1000);
    const { confirmed, done: confirming } = confirmAsEmailsArrive(standin, web, () => stop);
    const submissions = await signing;
    const signed = submissions.filter(accepted).map((s) => s.email);
    expect(signed.length).toBe(submissions.length);
    // Let the last confirmation emails arrive and be clicked.
    const deadline = Date.now() + 30_000;
    const unconfirmed = () => signed.filter((e) => !confirmed.has(e)).length;
    while (unconfirmed() > 0 && Date.now() < deadline) await sleep(100);
    stop = true;
    await confirming;
    expect(unconfirmed()).toBe(0);

    // Two moderators decide each of 30 confirmed signatures at once, one on each process.
    const [alice, bob] = [await userWithSession(database.db, "moderator"), await userWithSession(database.db, "moderator")];
    const pending = (await signatureStates([...confirmed])).filter((r) => r.state === "pending").slice(0, 30);
    expect(pending).toHaveLength(Math.min(30, confirmed.size));
    const decide = (base: string, cookie: string, id: string, intent: string) =>
      postForm(
        base,
        "/admin?index",
        { id, intent, expected: "pending", ...(intent === "reject" ? { reason: "fake" } : {}) },
        { cookie, "sec-fetch-site": "same-origin" },
      );
    const outcomes = await Promise.all(
      pending.map(async ({ id }, i) => {
        // Half the races are approve against approve, half approve against reject.
        const [a, b] = await Promise.all([
          decide(web[0]!, alice.cookie, String(id), "approve"),
          decide(web[1]!, bob.cookie, String(id), i % 2 ? "reject" : "approve"),
        ]);
        return [a.status, b.status].sort().join("/");
      }),
    );
    expect(new Set(outcomes)).toEqual(new Set(["200/409"]));
    const decided = await signatureStates(pending.map((r) => String(r.email)));
    const approved = decided.filter((r) => r.state === "approved").length;
    expect(approved + decided.filter((r) => r.state === "rejected").length).toBe(pending.length);
    // One decision each in the audit log: the loser changed nothing.
    const decisions = await database.db
      .selectFrom("audit_log")
      .select("subject_id")
      .where("subject_type", "=", "signature")
      .where("before_state", "=", "pending")
      .where(
        "subject_id",
        "in",
        pending.map((r) => String(r.id)),
      )
      .execute();
    expect(decisions).toHaveLength(pending.length);

    // Every email (confirmations, welcomes, decisions) delivered once, by both workers between them.
    const settled = Date.now() + 30_000;
    const open = async () =>
      Number(
        (
          await database.db
            .selectFrom("email_outbox")
            .select((eb) => eb.fn.countAll<string>().as("n"))
            .where("state", "in", ["queued", "batched"])
            .executeTakeFirstOrThrow()
        ).n,
      );
    while ((await open()) > 0 && Date.now() < settled) await sleep(200);
    expect(await open()).toBe(0);
    const outbox = await database.db.selectFrom("email_outbox").select(["state", "provider_message_id"]).execute();
    const sent = outbox.filter((r) => r.state === "sent");
    expect(outbox.filter((r) => r.state === "dead")).toHaveLength(0);
    const ids = standin.emails.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(standin.emails).toHaveLength(sent.length);
    expect(new Set(sent.map((r) => r.provider_message_id))).toEqual(new Set(ids));
    const perMessage = new Map<string, number>();
    for (const e of standin.emails) perMessage.set(`${e.to[0]}\n${e.subject}`, (perMessage.get(`${e.to[0]}\n${e.subject}`) ?? 0) + 1);
    expect([...perMessage.values()].filter((n) => n > 1)).toHaveLength(0);
    const workers = await database.db.selectFrom("email_batches").select("claimed_by").distinct().execute();
    expect(workers.length).toBeGreaterThanOrEqual(2);

    // The public count, as both processes serve it, is exactly the approvals; a recount finds no drift.
    const total = async (base: string) => ((await (await fetch(`${base}/api/v1/stats`)).json()) as { total: number }).total;
    const counted = Date.now() + 10_000;
    while ((await total(web[0]!)) !== approved && Date.now() < counted) await sleep(200);
    expect(await total(web[0]!)).toBe(approved);
    expect(await total(web[1]!)).toBe(approved);
    const letter = await database.db.selectFrom("letters").select("id").executeTakeFirstOrThrow();
    expect(await reconcileRetrying(letter.id)).toEqual({ drift: 0 });

    const figures = { signed: signed.length, confirmed: confirmed.size, races: pending.length, approved, emails: standin.emails.length, duplicated: 0 };
    // eslint-disable-next-line no-console -- the figures the README quotes
    console.log("many processes:", JSON.stringify(figures));
    for (const p of processes) expect(p.child.exitCode).toBeNull();
  }, 180_000);
});
