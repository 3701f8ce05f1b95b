import { mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import type fc from "fast-check";
import { sql } from "kysely";
import type { Db } from "../../db/client";
import type { TestDatabase } from "../support/db";
import { startTestServer, type TestServer } from "../support/server";
import type { AppDeps } from "../../server/app";

/**
 * How the property tests run. `npm test` (CI): a fixed seed and a run count per endpoint that fits
 * CI's budget. `npm run test:fuzz`: FUZZ_RUNS inputs per endpoint (10,000 by default) with a random
 * seed, printed, so a failure is replayed with FUZZ_SEED=<seed> (and FUZZ_RUNS).
 */
export const FUZZ_MODE = process.env.FUZZ_RUNS !== undefined || process.env.FUZZ_SEED !== undefined;
export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : FUZZ_MODE ? Math.floor(Math.random() * 2 ** 31) : 42;

/** Inputs per endpoint: FUZZ_RUNS in test:fuzz, else the endpoint's CI count. */
export function runsFor(ciRuns: number): number {
  if (process.env.FUZZ_RUNS) return Number(process.env.FUZZ_RUNS);
  return FUZZ_MODE ? 10_000 : ciRuns;
}

/**
 * How long one endpoint's property may run (about 0.5 s an input: ten times what a quiet machine
 * needs). fast-check stops itself then (the summary shows how many inputs it tried), so a property
 * never keeps sending requests after its test has ended.
 */
export const budgetFor = (runs: number) => Math.max(60_000, runs * 500);
/** The test's own limit: past the property's budget, so fast-check's interruption comes first. */
export const timeFor = (runs: number) => budgetFor(runs) + 30_000;

export function fcParams<T>(runs: number): fc.Parameters<T> {
  return { seed: SEED, numRuns: runs, verbose: 0, interruptAfterTimeLimit: budgetFor(runs), markInterruptAsFailure: false };
}

/**
 * The app as deployed (NODE_ENV=production: React's production build, Remix's production error
 * handling), over the test's database, with client IPs read from X-Forwarded-For so generated IPs
 * reach the rate limits. Set before the build is first imported.
 */
export async function startFuzzServer(database: TestDatabase, options: Pick<AppDeps, "bodyTimeoutMs" | "resolveTxt"> = {}): Promise<TestServer> {
  process.env.NODE_ENV = "production";
  return startTestServer(database, { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback", LOG_LEVEL: "silent" }, options);
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Client {
  send(request: { method?: string; path: string; headers?: Record<string, string | undefined>; body?: string | Buffer }): Promise<Answer>;
  close(): void;
}

/**
 * One keep-alive connection to the server (a 413 closes it; the agent opens the next). A dropped
 * connection rejects, so a property that sees one fails.
 */
export function clientFor(server: TestServer): Client {
  const url = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    send({ method = "GET", path: target, headers = {}, body }) {
      const clean: Record<string, string> = { host: url.host };
      for (const [k, v] of Object.entries(headers)) if (v !== undefined) clean[k] = v;
      if (body !== undefined) clean["content-length"] = String(Buffer.byteLength(body));
      return new Promise<Answer>((resolve, reject) => {
        const req = http.request({ host: url.hostname, port: url.port, method, path: target, headers: clean, agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        });
        req.on("error", (error) => reject(new Error(`connection dropped on ${method} ${target.slice(0, 120)}: ${error.message}`)));
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

/**
 * The tables a request could write, each as its row count and a checksum of its rows (one cheap
 * query). Left out: what changes by design without a submission — the roll-up tables (folded on
 * a timer), rate-limit counters where an endpoint counts failed tries, and the sessions' sliding
 * expiry (their count is kept).
 */
export const FINGERPRINT_TABLES = [
  "signatures",
  "signature_tokens",
  "email_outbox",
  "email_suppressions",
  "audit_log",
  "users",
  "login_tokens",
  "notable_names",
  "labels",
  "letters",
  "letter_versions",
  "campaign_links",
  "delivery_packs",
  "deliveries",
  "public_snapshots",
  "public_snapshot_rows",
  "webhook_events",
  "dev_mailbox",
  "rate_limit_counters",
] as const;
export type FingerprintTable = (typeof FINGERPRINT_TABLES)[number];

export async function fingerprint(db: Db, skip: readonly FingerprintTable[] = []): Promise<string> {
  const tables = FINGERPRINT_TABLES.filter((t) => !skip.includes(t));
  const parts = tables.map(
    (t) => sql`select ${t} as t, count(*)::text || ':' || coalesce(sum(hashtext(x::text)::bigint), 0)::text as f from ${sql.table(t)} x`,
  );
  parts.push(sql`select 'auth_sessions' as t, count(*)::text as f from auth_sessions`);
  const { rows } = await sql<{ t: string; f: string }>`${sql.join(parts, sql` union all `)}`.execute(db);
  return rows.map((r) => `${r.t}=${r.f}`).join(" ");
}

/** The next transaction id: it moves only when some transaction wrote (a read-only one gets none). */
async function nextXid(db: Db): Promise<string> {
  const { rows } = await sql<{ x: string }>`select pg_snapshot_xmax(pg_current_snapshot())::text as x`.execute(db);
  return rows[0]!.x;
}

/**
 * The fingerprint, recomputed only when a transaction wrote since the last one: most refused
 * requests cost two tiny queries, and any write, even one rolled back, is looked at in full.
 */
export class Fingerprinter {
  private xid = "";
  private print = "";
  constructor(
    private db: Db,
    private skip: readonly FingerprintTable[] = [],
  ) {}

  async current(): Promise<string> {
    const xid = await nextXid(this.db);
    if (xid !== this.xid) {
      // The id read before: a write while the fingerprint is read makes the next call read it again.
      this.print = await fingerprint(this.db, this.skip);
      this.xid = xid;
    }
    return this.print;
  }
}

/** Which tables differ between two fingerprints (for a failure message). */
export function changedTables(before: string, after: string): string {
  const a = new Map(before.split(" ").map((p) => p.split("=") as [string, string]));
  return after
    .split(" ")
    .map((p) => p.split("=") as [string, string])
    .filter(([t, f]) => a.get(t) !== f)
    .map(([t, f]) => `${t}: ${a.get(t)} → ${f}`)
    .join(", ");
}

const ERROR_TITLES = [
  "We could not read that form",
  "This page is not for your account",
  "Page not found",
  "Not allowed here",
  "That was more than we accept",
  "Too many requests",
];

/**
 * Whether a 4xx answer tells a person what went wrong: an HTML page with a field message, an alert,
 * a status notice or the site's error page (with its sentence); a JSON answer naming the error; a
 * plain-text sentence. Never the 500 page.
 */
export function humanMessage(answer: Answer): string | undefined {
  const type = String(answer.headers["content-type"] ?? "");
  // React separates text nodes with empty comments; they are not part of what a person reads.
  const body = answer.body.replace(/<!-- -->/g, "");
  if (/\n\s+at .+\(.+:\d+:\d+\)/.test(body)) return "a stack trace";
  // A message meant for a developer (zod's defaults) is not one a person can act on.
  const developer = /Invalid (?:discriminator|input|option|string|enum)|Too (?:small|big):|expected (?:string|number|boolean)|received (?:undefined|NaN)/.exec(
    body,
  );
  if (developer) return `a developer's message: ${body.slice(Math.max(0, developer.index - 80), developer.index + 120)}`;
  if (type.startsWith("text/html")) {
    if (body.includes("Something went wrong")) return "the 500 page";
    const main = /<main id="main">([\s\S]*)<\/main>/.exec(body)?.[1] ?? body;
    const messages = [
      /class="field-errors"[^>]*><p>[^<]*\p{L}/u,
      /role="alert"[^>]*>(?:\s*<p>)?[^<]*\p{L}/u,
      /role="status"[^>]*>[^<]*\p{L}/u,
      /class="field-error"[^>]*>[^<]*\p{L}/u,
    ];
    if (messages.some((m) => m.test(main))) return undefined;
    if (ERROR_TITLES.some((t) => main.includes(`<h1>${t}</h1><p>`)) && /<h1>[^<]+<\/h1><p>[^<]*\p{L}{3}/u.test(main)) return undefined;
    // A page that answers a bad link in its own words (an expired sign-in or confirmation link).
    if (/<h1>[^<]*(?:expired|not valid|no longer|was used|could not|withdrawn)[^<]*<\/h1>/i.test(main)) return undefined;
    return `no message in the HTML: ${main
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .slice(0, 300)}`;
  }
  if (type.startsWith("application/json")) {
    try {
      const json = JSON.parse(body) as { error?: unknown; message?: unknown };
      return typeof json.error === "string" || typeof json.message === "string" ? undefined : `JSON without an error: ${body.slice(0, 200)}`;
    } catch {
      return `not JSON: ${body.slice(0, 200)}`;
    }
  }
  return /\p{L}{3,}.*\p{L}{3,}/su.test(body) ? undefined : `no sentence: ${type} ${JSON.stringify(body.slice(0, 200))}`;
}

/** Per endpoint: how many inputs were tried, the statuses seen, and by which kind of input. */
export class Summary {
  private rows = new Map<string, { runs: number; statuses: Map<number, number>; kinds: Set<string>; ms: number }>();

  record(endpoint: string, status: number, kind: string) {
    const row = this.rows.get(endpoint) ?? { runs: 0, statuses: new Map(), kinds: new Set(), ms: 0 };
    row.runs++;
    row.statuses.set(status, (row.statuses.get(status) ?? 0) + 1);
    row.kinds.add(kind);
    this.rows.set(endpoint, row);
  }

  time(endpoint: string, ms: number) {
    const row = this.rows.get(endpoint);
    if (row) row.ms += ms;
  }

  runs(endpoint: string): number {
    return this.rows.get(endpoint)?.runs ?? 0;
  }

  statuses(endpoint: string): Map<number, number> {
    return this.rows.get(endpoint)?.statuses ?? new Map();
  }

  /** Prints the table and writes it to .tmp/fuzz/<file>.json (the README's figures come from there). */
  report(file: string) {
    const lines = [`fuzz ${file}: seed ${SEED}${FUZZ_MODE ? " (replay: FUZZ_SEED=" + SEED + ")" : " (fixed)"}`];
    const json: Record<string, unknown> = {};
    for (const [endpoint, row] of this.rows) {
      const statuses = [...row.statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
      lines.push(`  ${endpoint.padEnd(44)} ${String(row.runs).padStart(6)} inputs  ${(row.ms / 1000).toFixed(1).padStart(6)} s  ${statuses.join(" ")}`);
      json[endpoint] = { runs: row.runs, seconds: Math.round(row.ms / 100) / 10, statuses: Object.fromEntries(row.statuses), kinds: [...row.kinds].sort() };
    }
    process.stdout.write(`${lines.join("\n")}\n`);
    const dir = path.resolve(".tmp/fuzz");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${file}.json`), JSON.stringify({ seed: SEED, fuzzMode: FUZZ_MODE, endpoints: json }, null, 2));
  }
}
