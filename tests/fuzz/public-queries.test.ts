import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { SORTS } from "../../app/domain/public-list/schema";
import { takeSnapshot } from "../../app/domain/public-list/snapshots.server";
import { refreshRollup } from "../../app/domain/public-list/rollup.server";
import { ROLES, SIGNATURE_KINDS } from "../../app/domain/signatures/states";
import { setupTestDatabase } from "../support/db";
import { addLabel, seedSignatures } from "../support/public-list";
import type { TestServer } from "../support/server";
import { currentLetter, registerCurrentLetter } from "../support/signatures";
import { hostileString, someValidPairs } from "./arbitraries";
import { clientFor, runsFor, startFuzzServer, Summary, timeFor, type Client } from "./harness";
import { fuzz, segment, type Endpoint, type FuzzEnv } from "./runner";

// Every public query (list filters and cursors, API parameters, exports, feeds, snapshot paths,
// cards), fed hostile input: never a 5xx, a message on every 4xx, and no GET changes anything.
const t = setupTestDatabase();
let server: TestServer;
let client: Client;
let env: FuzzEnv;
const summary = new Summary();

const cursors: string[] = [];
let labelId = "";
let snapshotFile = "";

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  const letter = await currentLetter(t.db);
  labelId = await addLabel(t.db, "Fuzz Records", "fuzz-records.example");
  const names = ["Björk", "=HYPERLINK(1)", "Ана", "سلام", "The Weather Station", "Zoë", "<b>bold</b>", "李", "O'Brien", "Fuzz Query Signer"];
  await seedSignatures(
    t.db,
    letter,
    Array.from({ length: 30 }, (_, i) => ({
      name: `${names[i % names.length]} ${i}`,
      kind: (["artist", "label", "roster"] as const)[i % 3],
      labelId: i % 3 === 2 ? labelId : null,
      country: ["GB", "US", "IS", "FR"][i % 4]!,
      featured: i % 7 === 0,
      approvedSecondsAgo: 3600 * i,
    })),
  );
  await refreshRollup(t.db, letter.letterId);
  snapshotFile = `${(await takeSnapshot(t.db, letter.letterId)).identifier}.csv`;
  server = await startFuzzServer(t.database);
  client = clientFor(server);
  env = { db: t.db, client, origin: server.url, summary };
  // Real cursors of every order, to be forged from.
  for (const sort of SORTS) {
    const page = JSON.parse((await client.send({ path: `/api/v1/signatures?limit=3&sort=${sort}${sort === "relevance" ? "&q=fuzz" : ""}` })).body) as {
      cursors: { next: string | null };
    };
    if (page.cursors.next) cursors.push(page.cursors.next);
  }
  if (cursors.length < 3) throw new Error(`expected cursors of most orders, got ${cursors.length}`);
});
afterAll(async () => {
  summary.report("public-queries");
  client?.close();
  await server?.close();
});

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** A cursor: a real one, one edited, or one made up (JSON of the right or wrong shape, or noise). */
const cursor = () =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...cursors) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...cursors), fc.nat(), fc.constantFrom("A", "_", "-", "z", "0")).map(([c, at, ch]) => {
        const i = at % c.length;
        return c.slice(0, i) + ch + c.slice(i + 1);
      }),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...SORTS, "bogus"),
          fc.array(
            fc.oneof(
              hostileString,
              fc.constantFrom("true", "2026-02-30 10:00:00+00", "0001-01-01 00:00:00+16", "1e-50", "NaN", "AAAAAAAAAAAAAAAA"),
              fc.integer(),
              fc.constant(null),
            ),
            { maxLength: 4 },
          ),
        )
        .map(([sort, values]) => b64(JSON.stringify([sort, ...values]))),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,400}$/), hostileString.map(b64), fc.constantFrom(b64("{}"), b64("[]"), b64("null"), b64("["))),
    },
  );

const listFields = () => ({
  q: fc.constantFrom("bjork", "Weather", "سلام", "fuzz", "李", "o'brien"),
  kind: fc.constantFrom(...Object.values(SIGNATURE_KINDS)),
  role: fc.constantFrom(...ROLES),
  country: fc.constantFrom("GB", "us", "IS", "FR"),
  label: fc.constant(labelId),
  sort: fc.constantFrom(...SORTS),
  after: cursor(),
  before: cursor(),
  limit: fc.integer({ min: 1, max: 200 }).map(String),
});

/** A list query a person could make: some filters, and at most one of the two cursors. */
const listEndpoint = (name: string, path: string, ciRuns: number): Endpoint => ({
  name,
  method: "GET",
  path,
  fields: listFields(),
  valid: someValidPairs(listFields(), [["after", "before"]]),
  validWeight: 3,
  ciRuns,
});

const noParams = { v: fc.constant("1") };

// The endpoint table (public queries): the label pages (/labels/*, /label) join it as rows.
const endpoints = (): Endpoint[] => [
  listEndpoint("GET /signatures (filters, cursors)", "/signatures", 200),
  listEndpoint("GET /api/v1/signatures (params, cursors)", "/api/v1/signatures", 250),
  listEndpoint("GET /signatures.csv (filters)", "/signatures.csv", 150),
  { name: "GET /api/v1/stats", method: "GET", path: "/api/v1/stats", fields: noParams, ciRuns: 60 },
  { name: "GET /signatures.atom", method: "GET", path: "/signatures.atom", fields: noParams, ciRuns: 60 },
  {
    name: "GET /press/snapshots/:file",
    method: "GET",
    path: segment([snapshotFile, snapshotFile.replace(".csv", ".CSV"), "000001-20260101T000000Z.csv"]).map((s) => `/press/snapshots/${s}`),
    fields: noParams,
    ciRuns: 100,
  },
  { name: "GET /badge.svg", method: "GET", path: "/badge.svg", fields: noParams, ciRuns: 40 },
  { name: "GET /og/:image", method: "GET", path: segment(["letter.svg", "signatures.svg"]).map((s) => `/og/${s}`), fields: noParams, ciRuns: 60 },
  { name: "GET /embed", method: "GET", path: "/embed", fields: noParams, ciRuns: 40 },
  {
    name: "GET token pages (/confirm/:t, /manage/:t, /admin/login/:t, /invite/:t, /preview/:t)",
    method: "GET",
    path: fc
      .tuple(
        fc.constantFrom("/confirm/", "/manage/", "/admin/login/", "/invite/", "/preview/"),
        segment(["A".repeat(43), "kDkHFStoAtYn1QmKDLNY2S8vKQNjJiIFBZ3ZjQm8h14"]),
      )
      .map(([base, s]) => base + s),
    fields: noParams,
    ciRuns: 80,
  },
  {
    name: "GET any path (/, /press, /signed, unknown, broken)",
    method: "GET",
    path: fc
      .tuple(fc.constantFrom("/", "/press", "/signed", "/confirm", "/press/snapshots.json", "/webhooks/resend", "/dev/mailbox", "/"), segment(["", "x"]))
      .map(([base, s]) => (base.endsWith("/") ? base : `${base}/`) + s),
    fields: noParams,
    ciRuns: 100,
  },
];

const NAMES = [
  "GET /signatures (filters, cursors)",
  "GET /api/v1/signatures (params, cursors)",
  "GET /signatures.csv (filters)",
  "GET /api/v1/stats",
  "GET /signatures.atom",
  "GET /press/snapshots/:file",
  "GET /badge.svg",
  "GET /og/:image",
  "GET /embed",
  "GET token pages (/confirm/:t, /manage/:t, /admin/login/:t, /invite/:t, /preview/:t)",
  "GET any path (/, /press, /signed, unknown, broken)",
];

describe("public queries under hostile input", () => {
  for (const name of NAMES) {
    it(`${name}: never a 5xx, a message on every 4xx, no change`, { timeout: timeFor(runsFor(250)) }, async () => {
      await fuzz(
        env,
        endpoints().find((e) => e.name === name)!,
      );
    });
  }
});
