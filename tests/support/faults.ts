import { execFileSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { TEST_DATABASE_URL, databaseUrlFor } from "./config";
import type { ResendStandin } from "./resend-standin";

/** The fault tests (tests/faults, `npm run test:faults`): real processes, real databases, faults injected for real. */

/** How long each signing load runs (the figure is 60: `FAULT_LOAD_SECONDS=60 npm run test:faults`). */
export const LOAD_SECONDS = Number(process.env.FAULT_LOAD_SECONDS ?? 15);
/** How long the mail provider is away (the figure is 120: `FAULT_OUTAGE_SECONDS=120 npm run test:faults`). */
export const OUTAGE_SECONDS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 20);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const PG_BIN = process.env.PG_BIN ?? "/usr/lib/postgresql/15/bin";

export interface PrivatePostgres {
  url: string;
  stop(): void;
  start(): void;
  close(): void;
}

/**
 * A throwaway PostgreSQL cluster of our own (initdb in a temp folder, on a free port), so a test may
 * stop and restart it without touching the shared server on 5432. initdb refuses to run as root, so
 * as root the cluster belongs to the `postgres` user (run through runuser).
 */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const dir = mkdtempSync(path.join(tmpdir(), "countersign-pg-"));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(dir, uid, gid);
  }
  const run = (bin: string, args: string[]) => {
    const [file, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path.join(PG_BIN, bin), ...args]] : [path.join(PG_BIN, bin), args];
    execFileSync(file, argv, { stdio: "ignore" });
  };
  const data = path.join(dir, "data");
  run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=16MB -c max_connections=40`;
  const start = () => run("pg_ctl", ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "-t", "30", "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop,
    start,
    close() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the shared PostgreSQL (DATABASE_URL, else 127.0.0.1:5432), dropped by `drop()`. */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const name = `countersign_faults_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  return { url: databaseUrlFor(base, name), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

export interface Submission {
  email: string;
  status: number;
  /** Where a 302 sent the signer ("/signed" is the "check your inbox" page). */
  location: string | null;
  startedAt: number;
  ms: number;
  retryAfter: string | null;
}

let client = 0;

/** A form POST as a browser without JavaScript sends it, from an address of its own (the server trusts loopback's X-Forwarded-For). */
export async function postForm(baseUrl: string, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const n = ++client;
  const startedAt = Date.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `198.18.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`, ...headers },
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
    const body = await response.text();
    return {
      status: response.status,
      location: response.headers.get("location"),
      retryAfter: response.headers.get("retry-after"),
      body,
      startedAt,
      ms: Date.now() - startedAt,
    };
  } catch {
    // No answer at all (refused, reset, or 30 s without one).
    return { status: 0, location: null, retryAfter: null, body: "", startedAt, ms: Date.now() - startedAt };
  }
}

let signer = 0;

/** Signs with a new address (a free mailbox's: the per-domain limit does not apply, as for most real signers). */
export async function submitSignForm(baseUrl: string, run: string, ip?: string): Promise<Submission> {
  const n = ++signer;
  const email = `fault.${run}.${n}@gmail.com`;
  const { body: _body, ...answer } = await postForm(
    baseUrl,
    "/?index",
    {
      displayName: `Fault Test ${n}`,
      role: "musician",
      country: "CA",
      email,
      attest: "on",
      consent: "on",
    },
    ip ? { "x-forwarded-for": ip } : {},
  );
  return { email, ...answer };
}

/** `concurrency` signers posting one after another until `stop()` says so. */
export async function signingLoad(urls: string[], concurrency: number, stop: () => boolean): Promise<Submission[]> {
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const results: Submission[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      for (let k = 0; !stop(); k++) results.push(await submitSignForm(urls[(i + k) % urls.length]!, run));
    }),
  );
  return results;
}

/** The answer that means "check your inbox". */
export const accepted = (s: Submission) => s.status === 302 && s.location === "/signed";

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Environment every spawned web process gets in these tests. */
export const WEB_ENV = { TRUSTED_PROXIES: "loopback", LOG_LEVEL: "info", APP_URL: "http://letters.test" } as const;

/** The confirmation link's path in an email the stand-in received (APP_URL is WEB_ENV's). */
export function confirmPathIn(html: string | undefined): string | undefined {
  return /href="http:\/\/letters\.test(\/confirm\/[A-Za-z0-9_-]{43})"/.exec(html ?? "")?.[1];
}

/** A web process's environment for sending mail to the Resend stand-in, with a quick worker. */
export function standinEnv(standinUrl: string): Record<string, string> {
  return { RESEND_API_KEY: "re_test_key", RESEND_BASE_URL: standinUrl, EMAIL_RATE_LIMIT: "50", OUTBOX_CLAIM_SECONDS: "5" };
}

/** A signer who clicks "Confirm" on each confirmation link as its email reaches the stand-in; `confirmed` holds the addresses the app confirmed. */
export function confirmAsEmailsArrive(standin: ResendStandin, urls: string[], stop: () => boolean): { confirmed: Set<string>; done: Promise<void> } {
  const confirmed = new Set<string>();
  const clicked = new Set<string>();
  const done = (async () => {
    for (let k = 0; !stop();) {
      const next = standin.emails.find((e) => !clicked.has(e.to[0]!) && confirmPathIn(e.html));
      if (!next) {
        await sleep(20);
        continue;
      }
      const to = next.to[0]!;
      clicked.add(to);
      const answer = await postForm(urls[k++ % urls.length]!, confirmPathIn(next.html)!, { intent: "confirm" });
      if (answer.status === 200 && answer.body.includes("Your signature is confirmed")) confirmed.add(to);
    }
  })();
  return { confirmed, done };
}
