import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { COUNTRY_CODES } from "../../app/domain/signatures/countries";
import { ROLES } from "../../app/domain/signatures/states";
import { issueToken } from "../../app/domain/signatures/tokens.server";
import { userWithSession } from "../support/auth";
import { setupTestDatabase } from "../support/db";
import { seedSignatures } from "../support/public-list";
import type { TestServer } from "../support/server";
import { currentLetter, registerCurrentLetter } from "../support/signatures";
import { clientFor, startFuzzServer, runsFor, Summary, timeFor, type Client } from "./harness";
import { fuzz, segment, type Endpoint, type FuzzEnv } from "./runner";

// The label routes (issue 11): joining, the code form, a rep's dashboard with a real rep's
// session, an artist's roster link and the moderators' label page, fed hostile input.
const t = setupTestDatabase();
let server: TestServer;
let client: Client;
let env: FuzzEnv;
const summary = new Summary();

let rep = "";
let admin = "";
let labelId = "";
let otherLabelId = "";
let entryIds: string[] = [];
const rosterTokens: string[] = [];

beforeAll(async () => {
  await registerCurrentLetter(t.db);
  const letter = await currentLetter(t.db);
  const signedIn = await userWithSession(t.db, "label_rep");
  rep = signedIn.cookie;
  labelId = (await t.db.selectFrom("users").select("label_id").where("id", "=", signedIn.id).executeTakeFirstOrThrow()).label_id!;
  otherLabelId = (
    await t.db
      .selectFrom("users")
      .select("label_id")
      .where("id", "=", (await userWithSession(t.db, "label_rep")).id)
      .executeTakeFirstOrThrow()
  ).label_id!;
  admin = (await userWithSession(t.db, "admin")).cookie;
  const entries = await seedSignatures(
    t.db,
    letter,
    Array.from({ length: 6 }, (_, i) => ({
      name: `Fuzz Roster Artist ${i}`,
      kind: "roster" as const,
      labelId,
      state: i % 2 ? ("approved" as const) : ("pending" as const),
    })),
  );
  entryIds = entries.map((e) => e.id);
  for (const [i, e] of entries.entries()) {
    await t.db
      .updateTable("signatures")
      .set({ artist_email: `artist.${i}@elsewhere.test`, artist_email_normalized: `artist.${i}@elsewhere.test` })
      .where("id", "=", e.id)
      .execute();
    rosterTokens.push((await issueToken(t.db, e.id, "roster")).token);
  }
  // No DNS record anywhere: a check answers "not found" at once instead of asking the network.
  server = await startFuzzServer(t.database, { resolveTxt: () => Promise.resolve([]) });
  client = clientFor(server);
  env = { db: t.db, client, origin: server.url, summary };
});
afterAll(async () => {
  summary.report("labels");
  client?.close();
  await server?.close();
});

const names = fc.oneof(
  fc.constantFrom("Warp Records", "Sub Pop", "Ninja Tune", "Discos Fuego", "ECM", "レーベル"),
  fc.stringMatching(/^[A-Z][a-z]{2,12}(?: [A-Z][a-z]{2,12})?$/),
);
const domains = fc.constantFrom("warp-fuzz.co.uk", "label-fuzz.org", "sub-pop-fuzz.com", "gmail.com", "mailinator.com", "co.uk", "127.0.0.1", "label.test");
const countries = fc.constantFrom(...[...COUNTRY_CODES].slice(0, 40));

const endpoints = (): Endpoint[] => [
  {
    name: "POST /labels/join",
    method: "POST",
    path: "/labels/join",
    fields: {
      labelName: names,
      website: domains.map((d) => `https://${d}/`),
      repName: names,
      email: fc.tuple(fc.stringMatching(/^[a-z]{2,8}$/), domains).map(([u, d]) => `${u}@${d}`),
    },
    // A wholly valid join: the address at the website's own domain.
    valid: fc
      .tuple(names, fc.constantFrom("warp-fuzz.co.uk", "label-fuzz.org", "sub-pop-fuzz.com", "band-fuzz.github.io"), names, fc.stringMatching(/^[a-z]{2,8}$/))
      .map(([labelName, domain, repName, user]): [string, string][] => [
        ["labelName", labelName],
        ["website", `https://${domain}/`],
        ["repName", repName],
        ["email", `${user}@${domain}`],
      ]),
    // Joins are limited per address, IP and domain: a refused try may count.
    mayChangeOnRefusal: ["rate_limit_counters"],
    ciRuns: 150,
  },
  {
    name: "POST /labels/confirm (code)",
    method: "POST",
    path: "/labels/confirm?index",
    fields: {
      intent: fc.constantFrom("find", "confirm"),
      email: fc.constantFrom("rep@warp.test", "someone@label.example"),
      code: fc.stringMatching(/^[A-HJ-NP-Z2-9]{8}$/),
    },
    mayChangeOnRefusal: ["rate_limit_counters"],
    ciRuns: 100,
  },
  {
    name: "POST /label (rep: sign, add, preview, save, remove, DNS)",
    method: "POST",
    path: "/label",
    cookie: () => rep,
    fields: {
      intent: fc.constantFrom("sign", "add", "preview", "save", "remove", "check_dns"),
      labelCountry: countries,
      statement: fc.lorem({ maxCount: 10 }),
      attest: fc.constant("on"),
      displayName: names,
      role: fc.constantFrom(...ROLES),
      country: countries,
      artistEmail: fc.stringMatching(/^[a-z]{2,8}$/).map((u) => `${u}@artists.example`),
      csv: fc.array(names, { maxLength: 5 }).map((rows) => `name,role,country\n${rows.map((r) => `${r},musician,GB`).join("\n")}`),
      id: fc.oneof(fc.constantFrom(...entryIds), fc.constantFrom("0", "-1", "99999999", "1e3", otherLabelId)),
    },
    ciRuns: 200,
  },
  {
    name: "POST /roster/:token (confirm, withdraw)",
    method: "POST",
    path: segment(rosterTokens).map((s) => `/roster/${s}`),
    fields: { intent: fc.constantFrom("confirm", "withdraw") },
    ciRuns: 120,
  },
  {
    name: "POST /admin/labels (rename, merge, remove rep)",
    method: "POST",
    path: "/admin/labels",
    cookie: () => admin,
    fields: {
      intent: fc.constantFrom("rename", "merge", "remove_rep"),
      labelId: fc.constantFrom(labelId, otherLabelId, "0", "x"),
      intoId: fc.constantFrom(labelId, otherLabelId, "0"),
      name: names,
      userId: fc.constantFrom("0", "1", "abc"),
    },
    ciRuns: 100,
  },
  {
    name: "GET /label, /admin/labels, /labels/join",
    method: "GET",
    path: fc.constantFrom("/label", "/admin/labels", "/labels/join", "/labels/confirm"),
    cookie: () => rep,
    fields: { q: names, page: fc.nat(5).map(String) },
    ciRuns: 60,
  },
];

describe("label routes under hostile input", () => {
  // The table is built once the fixtures exist (its generators draw from them).
  const names = [
    "POST /labels/join",
    "POST /labels/confirm (code)",
    "POST /label (rep: sign, add, preview, save, remove, DNS)",
    "POST /roster/:token (confirm, withdraw)",
    "POST /admin/labels (rename, merge, remove rep)",
    "GET /label, /admin/labels, /labels/join",
  ];
  for (const name of names) {
    it(`${name}: never a 5xx, a message on every refusal, no change unless accepted`, { timeout: timeFor(runsFor(200)) }, async () => {
      await fuzz(
        env,
        endpoints().find((e) => e.name === name)!,
      );
    });
  }
});
