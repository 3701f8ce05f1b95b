import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPglite } from "../../db/client";
import { LOAD_SECONDS, WEB_ENV, accepted, confirmAsEmailsArrive, signingLoad, sleep, standinEnv } from "../support/faults";
import { spawnServer, type ServerProcess } from "../support/process";
import { startResendStandin, type ResendStandin } from "../support/resend-standin";

/**
 * The app on the embedded database (PGlite in DATA_DIR) is killed with SIGKILL in the middle of a
 * load of signers signing and confirming. Started again on the same folder, it has every signature
 * that was confirmed (and every one that was answered "check your inbox"), and the folder's lock
 * still turns a second process away.
 */
let standin: ResendStandin;
const dataDir = mkdtempSync(path.join(tmpdir(), "countersign-kill-"));
const processes: ServerProcess[] = [];

function start(): ServerProcess {
  const server = spawnServer({ ...WEB_ENV, ...standinEnv(standin.url), DATA_DIR: dataDir });
  processes.push(server);
  return server;
}

beforeAll(async () => {
  standin = await startResendStandin({ apiKey: "re_test_key" });
});
afterAll(async () => {
  for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await Promise.all(processes.map((p) => p.exited));
  await standin?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("kill -9 of the app on PGlite mid-load", () => {
  it("restarts on the same folder with nothing confirmed lost, and a second process still cannot open it", async () => {
    const first = start();
    const url = await first.listening;

    // Signers sign; a confirmer clicks each confirmation link as its email arrives.
    let stop = false;
    const signing = signingLoad([url], 3, () => stop);
    const { confirmed, done: confirming } = confirmAsEmailsArrive(standin, [url], () => stop);

    // Killed mid-load, once the load has run its time and some signers have confirmed (PGlite is one connection: slow).
    const began = Date.now();
    while (Date.now() - began < (LOAD_SECONDS * 1000) / 2 || (confirmed.size < 8 && Date.now() - began < 60_000)) await sleep(50);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    stop = true;
    const [submissions] = await Promise.all([signing, confirming]);
    const signed = submissions.filter(accepted).map((s) => s.email);
    expect(signed.length).toBeGreaterThan(10);
    expect(confirmed.size).toBeGreaterThanOrEqual(8);

    // Started again on the same folder: the dead process's lock is taken over, the data recovered.
    const again = start();
    const againUrl = await again.listening;
    expect((await fetch(`${againUrl}/healthz`)).status).toBe(200);

    // While it runs, a second process on the folder is refused, clearly, and the first is unharmed.
    const second = start();
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toContain(`The embedded database in ${dataDir} is already open in another process (PID ${again.child.pid})`);
    expect((await fetch(`${againUrl}/healthz`)).status).toBe(200);

    again.child.kill("SIGTERM");
    expect(await again.exited).toBe(0);

    const database = await openPglite({ dataDir });
    try {
      const rows = await database.db.selectFrom("signatures").select(["email", "state"]).execute();
      const state = new Map(rows.map((r) => [String(r.email), r.state]));
      const figures = {
        submissions: submissions.length,
        answeredCheckInbox: signed.length,
        confirmedBeforeKill: confirmed.size,
        lostSubmissions: signed.filter((e) => !state.has(e)).length,
        lostConfirmations: [...confirmed].filter((e) => state.get(e) !== "pending").length,
      };
      // eslint-disable-next-line no-console -- the figures the README quotes
      console.log("pglite kill -9:", JSON.stringify(figures));
      expect(figures).toMatchObject({ lostSubmissions: 0, lostConfirmations: 0 });
    } finally {
      await database.close();
    }
  }, 120_000);
});
