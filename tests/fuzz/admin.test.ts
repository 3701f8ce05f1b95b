import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { addUser } from "../../app/domain/auth/users.server";
import { REJECTION_REASONS } from "../../app/domain/moderation/reasons";
import { takeSnapshot } from "../../app/domain/public-list/snapshots.server";
import { ROLES, SIGNATURE_KINDS, SIGNATURE_STATES } from "../../app/domain/signatures/states";
import { userWithSession } from "../support/auth";
import { setupTestDatabase } from "../support/db";
import { seedSignatures } from "../support/public-list";
import type { TestServer } from "../support/server";
import { currentLetter, registerCurrentLetter } from "../support/signatures";
import { clientFor, startFuzzServer, runsFor, Summary, timeFor, type Client } from "./harness";
import { fuzz, segment, type Endpoint, type FuzzEnv } from "./runner";

// Every admin action and page, with a real moderator's or admin's session, fed hostile input.
const t = setupTestDatabase();
let server: TestServer;
let client: Client;
let env: FuzzEnv;
const summary = new Summary();

let ids: string[] = [];
let moderator = "";
let admin = "";
let staffAdmin = "";
const victims: string[] = [];

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  const letter = await currentLetter(t.db);
  const states = ["pending", "pending", "pending", "quarantined", "approved", "approved", "unconfirmed", "rejected"] as const;
  const rows = await seedSignatures(
    t.db,
    letter,
    Array.from({ length: 24 }, (_, i) => ({ name: `Fuzz Admin Signer ${i}`, state: states[i % states.length]!, country: ["GB", "US", "FR"][i % 3]! })),
  );
  ids = rows.map((r) => r.id);
  await takeSnapshot(t.db, letter.letterId);
  moderator = (await userWithSession(t.db, "moderator")).cookie;
  admin = (await userWithSession(t.db, "admin")).cookie;
  staffAdmin = (await userWithSession(t.db, "admin")).cookie;
  for (let i = 0; i < 4; i++) victims.push((await addUser(t.db, `victim.${i}.${Date.now().toString(36)}@countersign.test`, "moderator")).id);
  server = await startFuzzServer(t.database);
  client = clientFor(server);
  env = { db: t.db, client, origin: server.url, summary };
});
afterAll(async () => {
  summary.report("admin");
  client?.close();
  await server?.close();
});

const reason = fc.constantFrom(...Object.keys(REJECTION_REASONS));
const note = fc.lorem({ maxCount: 8 });
const states = fc.constantFrom(...Object.values(SIGNATURE_STATES));
const id = () => fc.constantFrom(...ids);
const date = fc.date({ min: new Date("2001-01-01"), max: new Date("2099-01-01"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 16));

// The endpoint table (admin): a label area's pages and actions join it as rows.
const endpoints = (): Endpoint[] => [
  {
    name: "POST /admin (decisions)",
    method: "POST",
    path: "/admin?index",
    cookie: () => moderator,
    fields: {
      id: id(),
      intent: fc.constantFrom("approve", "feature", "unfeature", "reject", "hide"),
      expected: states,
      version: fc.constantFrom("", "2026-01-01 00:00:00+00"),
      reason,
      note,
    },
    ciRuns: 150,
  },
  {
    name: "POST /admin/signatures/:id (notable, identity)",
    method: "POST",
    path: segment(ids).map((s) => `/admin/signatures/${s}`),
    cookie: () => moderator,
    fields: { intent: fc.constantFrom("notable", "not-notable", "identity"), how: fc.lorem({ maxCount: 10 }).map((s) => `confirmed by phone: ${s}`) },
    ciRuns: 120,
  },
  {
    name: "POST /admin/bulk",
    method: "POST",
    path: "/admin/bulk",
    cookie: () => moderator,
    fields: {
      state: fc.constantFrom("pending", "quarantined", "unconfirmed", "approved"),
      emailDomain: fc.constantFrom("private-mail.test", "example.org", "@private-mail.test"),
      ipHash: fc.stringMatching(/^[0-9a-f]{32}$/),
      namePattern: fc.constantFrom("Fuzz*", "Signer 1", "*", "Nobody"),
      since: date,
      until: date,
      action: fc.constantFrom("approve", "reject", "release", "hide"),
      reason,
      note,
      confirmedCount: fc.nat(30).map(String),
    },
    ciRuns: 150,
  },
  {
    name: "POST /admin/notable",
    method: "POST",
    path: "/admin/notable",
    cookie: () => admin,
    fields: {
      intent: fc.constantFrom("add", "remove"),
      name: fc.constantFrom("Fuzz Admin Signer 3", "Björk", "Famous Person"),
      key: fc.constantFrom("fuzzadminsigner3", "bjork"),
    },
    ciRuns: 100,
  },
  {
    name: "POST /admin/snapshots",
    method: "POST",
    path: "/admin/snapshots",
    cookie: () => admin,
    fields: { intent: fc.constant("take") },
    validWeight: 1,
    ciRuns: 40,
  },
  {
    name: "POST /admin/campaign (switches, links)",
    method: "POST",
    path: "/admin/campaign",
    cookie: () => admin,
    fields: {
      intent: fc.constantFrom("launch", "close", "reopen", "recall", "unschedule", "embargo", "schedule", "issue", "revoke"),
      expected: fc.constantFrom("collecting", "embargoed", "public", "closed"),
      publicAt: fc.constantFrom("2031-06-01T10:00", "2032-01-15T23:59", "2031-03-30T02:30"),
      zone: fc.constantFrom("UTC", "Europe/Madrid", "America/New_York", "Asia/Kolkata"),
      purpose: fc.constantFrom("invitation", "preview"),
      note: fc.constantFrom("A reporter", "Songwriter we know", "Ана Мария", "سلام"),
      days: fc.integer({ min: 1, max: 90 }).map(String),
      id: fc.constantFrom("1", "2", "3"),
    },
    validWeight: 2,
    ciRuns: 80,
  },
  {
    name: "POST /admin/delivery (generate, record)",
    method: "POST",
    path: "/admin/delivery",
    cookie: () => admin,
    fields: {
      intent: fc.constantFrom("generate", "record"),
      packId: fc.constantFrom("1", "2"),
      deliveredOn: fc.constantFrom("2026-11-30", "2026-12-01", "2025-02-29"),
      recipient: fc.constantFrom("Spotify's head of policy", "Оргкомитет", "المكتب"),
      method: fc.constantFrom("By hand, in Stockholm", "Registered post"),
    },
    validWeight: 2,
    ciRuns: 60,
  },
  {
    name: "GET /admin (queue filters)",
    method: "GET",
    path: "/admin",
    cookie: () => moderator,
    fields: {
      state: states,
      order: fc.constantFrom("oldest", "newest"),
      kind: fc.constantFrom(...Object.values(SIGNATURE_KINDS)),
      country: fc.constantFrom("GB", "US", "FR"),
      role: fc.constantFrom(...ROLES),
      q: fc.constantFrom("Fuzz", "@private-mail.test", "iphash0000", "Signer 1"),
      flagged: fc.constant("on"),
    },
    ciRuns: 80,
  },
  {
    name: "GET /admin/bulk (prefill)",
    method: "GET",
    path: "/admin/bulk",
    cookie: () => moderator,
    fields: {
      state: fc.constantFrom("pending", "quarantined", "unconfirmed", "approved"),
      emailDomain: fc.constantFrom("private-mail.test"),
      ipHash: fc.stringMatching(/^[0-9a-f]{32}$/),
    },
    ciRuns: 50,
  },
  {
    name: "GET /admin/signatures/:id",
    method: "GET",
    path: segment(ids).map((s) => `/admin/signatures/${s}`),
    cookie: () => moderator,
    fields: { tab: fc.constant("history") },
    ciRuns: 60,
  },
  {
    name: "GET /admin/{trending,notable,moderators,snapshots}",
    method: "GET",
    path: fc.constantFrom("/admin/trending", "/admin/notable", "/admin/moderators", "/admin/snapshots", "/admin/logout"),
    cookie: () => admin,
    fields: { q: fc.constant("x") },
    ciRuns: 40,
  },
  // Last: a removal may end a session (never its own admin's; the others hold the other sessions).
  {
    name: "POST /admin/moderators (invite, remove)",
    method: "POST",
    path: "/admin/moderators",
    cookie: () => staffAdmin,
    fields: {
      intent: fc.constantFrom("invite", "remove"),
      email: fc.nat(1_000_000).map((n) => `invited.${n}@countersign.test`),
      role: fc.constantFrom("moderator", "admin"),
      id: fc.constantFrom(...victims),
    },
    ciRuns: 100,
  },
];

describe("admin actions and pages under hostile input, signed in", () => {
  const names = [
    "POST /admin (decisions)",
    "POST /admin/signatures/:id (notable, identity)",
    "POST /admin/bulk",
    "POST /admin/notable",
    "POST /admin/snapshots",
    "POST /admin/campaign (switches, links)",
    "POST /admin/delivery (generate, record)",
    "GET /admin (queue filters)",
    "GET /admin/bulk (prefill)",
    "GET /admin/signatures/:id",
    "GET /admin/{trending,notable,moderators,snapshots}",
    "POST /admin/moderators (invite, remove)",
  ];
  for (const name of names) {
    it(`${name}: never a 5xx, a message on every refusal, no change unless accepted`, { timeout: timeFor(runsFor(150)) }, async () => {
      const endpoint = endpoints().find((e) => e.name === name)!;
      await fuzz(env, endpoint);
      // The session held to the end: the runs above really were signed in.
      const page = await client.send({ path: "/admin", headers: { cookie: endpoint.cookie!() } });
      if (page.status !== 200) throw new Error(`${name}: the session was lost (GET /admin → ${page.status})`);
    });
  }
});
