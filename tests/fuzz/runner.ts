import fc from "fast-check";
import type { Db } from "../../db/client";
import { hostileBody, hostileQuery, hostileString, oddCookie, validPairs, urlencode, type Body, type FieldSpec, type Pairs, wellFormed } from "./arbitraries";
import { changedTables, fcParams, Fingerprinter, humanMessage, runsFor, type Client, type FingerprintTable, type Summary } from "./harness";

/**
 * One row of the endpoint table: what is sent where, with which fields, and what may change.
 * Adding an endpoint (the label routes, /labels/* and /label, when they exist) is adding a row to
 * the table of its test file: its method, path, fields with a generator of valid values, the
 * session it needs, and the tables it may write when it refuses (none, unless it counts failures).
 */
export interface Endpoint {
  /** As printed in the summary and the README, e.g. "POST / (sign)". */
  name: string;
  method: "GET" | "POST";
  /** The path (with its query for a form post), or a generator of hostile paths. */
  path: string | fc.Arbitrary<string>;
  /** Every field the endpoint reads, each with a generator of valid values. */
  fields: FieldSpec;
  /** Valid submissions, when not simply every field once with a valid value. */
  valid?: fc.Arbitrary<Pairs>;
  /** How often a case is a wholly valid submission (every field valid) rather than a hostile one. */
  validWeight?: number;
  /** A Cookie header of a real session; without it the endpoint gets odd cookies. */
  cookie?: () => string;
  /** Tables that change by design on a refused request (counted failures). */
  mayChangeOnRefusal?: FingerprintTable[];
  /** Inputs in `npm test` (CI): sized to the budget, measured. */
  ciRuns: number;
  /** A check of what an accepted (2xx/3xx) POST stored; a message when it is wrong. */
  accepted?: (answer: { status: number; headers: Record<string, unknown>; body: string }) => Promise<string | undefined>;
}

export interface Case {
  path: string;
  headers: Record<string, string | undefined>;
  body?: string | Buffer;
  kind: string;
}

/** Headers a browser or a client sends, hostile at times (never a foreign Origin: that is the CSRF test). */
function headersArb(cookie: (() => string) | undefined, origin: string): fc.Arbitrary<Record<string, string | undefined>> {
  const ip = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom("unknown", "", "1.2.3.4, 5.6.7.8", "::ffff:127.0.0.1", "999.1.1.1", "[::1]:80", "127.0.0.1:1234"));
  return fc
    .record({
      xff: ip,
      cookie: cookie ? fc.constant(undefined) : oddCookie,
      accept: fc.constantFrom(undefined, "*/*", "text/html", "application/json", "text/csv", "image/*;q=0.1", "\u00e9\u00e9"),
      inm: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('"x"', "*", 'W/"abc", "def"', "\u00e9") }),
      lang: fc.constantFrom(undefined, "he-IL", "ar;q=0.9,*;q=0.1", "zz-ZZ-x-bogus"),
      sameOrigin: fc.boolean(),
    })
    .map((h) => ({
      "x-forwarded-for": h.xff,
      cookie: cookie ? cookie() : h.cookie === undefined ? undefined : wellFormed(h.cookie).replace(/[^\t\x20-\x7e\x80-\xff]/g, "_"),
      accept: h.accept?.replace(/[^\x20-\xff]/g, "_"),
      "if-none-match": h.inm?.replace(/[^\x20-\xff]/g, "_"),
      "accept-language": h.lang,
      origin: h.sameOrigin ? origin : undefined,
      "sec-fetch-site": h.sameOrigin ? undefined : "same-origin",
    }));
}

export function caseArb(endpoint: Endpoint, origin: string): fc.Arbitrary<Case> {
  const path = typeof endpoint.path === "string" ? fc.constant(endpoint.path) : endpoint.path;
  const headers = headersArb(endpoint.cookie, origin);
  if (endpoint.method === "GET") {
    const query = fc.oneof(
      { weight: endpoint.validWeight ?? 2, arbitrary: (endpoint.valid ?? validPairs(endpoint.fields)).map((p) => ({ query: urlencode(p), kind: "valid" })) },
      { weight: 8, arbitrary: hostileQuery(endpoint.fields) },
    );
    return fc.tuple(path, query, headers).map(([p, q, h]) => ({
      path: q.query ? `${p}${p.includes("?") ? "&" : "?"}${q.query}` : p,
      headers: h,
      kind: q.kind,
    }));
  }
  const form = "application/x-www-form-urlencoded";
  const body = fc.oneof(
    {
      weight: endpoint.validWeight ?? 2,
      arbitrary: (endpoint.valid ?? validPairs(endpoint.fields)).map((p): Body => ({ contentType: form, body: urlencode(p), kind: "valid" })),
    },
    { weight: 8, arbitrary: hostileBody(endpoint.fields) },
  );
  return fc.tuple(path, body, headers).map(([p, b, h]) => ({
    path: p,
    headers: { ...h, "content-type": b.contentType },
    body: b.body,
    kind: b.kind,
  }));
}

export interface FuzzEnv {
  db: Db;
  client: Client;
  origin: string;
  summary: Summary;
}

/**
 * The property for one endpoint: every answer is a 2xx, 3xx or 4xx (a dropped connection fails
 * the send); a 4xx tells a person what went wrong; a GET changes nothing; a refused POST changes
 * nothing; an accepted POST stores only what the endpoint's check allows.
 */
export async function fuzz(env: FuzzEnv, endpoint: Endpoint): Promise<void> {
  const runs = runsFor(endpoint.ciRuns);
  const started = Date.now();
  const prints = new Fingerprinter(env.db, endpoint.mayChangeOnRefusal);
  try {
    await fc.assert(
      fc.asyncProperty(caseArb(endpoint, env.origin), async (c) => {
        const before = await prints.current();
        const answer = await env.client.send({ method: endpoint.method, path: c.path, headers: c.headers, body: c.body });
        env.summary.record(endpoint.name, answer.status, c.kind);
        const where = `${endpoint.method} ${c.path.slice(0, 200)} (${c.kind}) → ${answer.status}`;
        if (answer.status < 200 || answer.status >= 500) throw new Error(`${where}: ${answer.body.slice(0, 500)}`);
        if (/\n\s+at .+\(.+:\d+:\d+\)/.test(answer.body)) throw new Error(`${where}: a stack trace in the answer`);
        const refused = answer.status >= 400;
        if (refused) {
          const problem = humanMessage(answer);
          if (problem) throw new Error(`${where}: ${problem}`);
        }
        if (refused || endpoint.method === "GET") {
          const after = await prints.current();
          if (after !== before) throw new Error(`${where} changed the database: ${changedTables(before, after)}`);
        } else if (endpoint.accepted) {
          const problem = await endpoint.accepted(answer);
          if (problem) throw new Error(`${where}: ${problem}`);
        }
      }),
      fcParams(runs),
    );
  } finally {
    env.summary.time(endpoint.name, Date.now() - started);
  }
}

/** A path segment: one of the real ones, or a hostile one (escaped so the client can send it). */
export function segment(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...real) },
    { weight: 3, arbitrary: hostileString.map((s) => encodeURIComponent(wellFormed(s))) },
    { weight: 1, arbitrary: fc.constantFrom("%", "%zz", "%E0%A4%A", "..", "%2e%2e", "%2F", "a%00b", "%ff", "x".repeat(2000)) },
    { weight: 1, arbitrary: fc.constantFrom(...real).map((r) => r.slice(0, -1) + (r.endsWith("A") ? "B" : "A")) },
  );
}
