import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { confirmByToken } from "../../app/domain/signatures/confirm.server";
import { COUNTRY_CODES } from "../../app/domain/signatures/countries";
import { ROLES } from "../../app/domain/signatures/states";
import { cleanText, hasInvisibleCharacters, nameProblem } from "../../app/domain/signatures/text";
import { setupTestDatabase } from "../support/db";
import type { TestServer } from "../support/server";
import { lastEmailTo, registerCurrentLetter, sign, uniqueEmail } from "../support/signatures";
import { clientFor, startFuzzServer, Summary, timeFor, runsFor, type Client } from "./harness";
import { fuzz, segment, type Endpoint, type FuzzEnv } from "./runner";

// Every public form, fed generated hostile input through the real server and database.
const t = setupTestDatabase();
let server: TestServer;
let client: Client;
let env: FuzzEnv;
const summary = new Summary();

const signers: { email: string; token: string; code: string }[] = [];
const manageTokens: string[] = [];
let letterSha = "";
let checkedUpTo = "0";

beforeAll(async () => {
  letterSha = (await registerCurrentLetter(t.db)).sha256;
  for (let i = 0; i < 8; i++) {
    const email = uniqueEmail("fuzz");
    const outcome = await sign(t.db, { email, displayName: `Fuzz Signer ${i}` });
    if (outcome.kind !== "created") throw new Error("expected a signature");
    const { props } = (await lastEmailTo(t.db, email))!;
    signers.push({ email, token: props.token!, code: props.code! });
    if (i < 4) {
      await confirmByToken(t.db, props.token!);
      manageTokens.push((await lastEmailTo(t.db, email))!.props.manageToken!);
    }
  }
  server = await startFuzzServer(t.database);
  client = clientFor(server);
  env = { db: t.db, client, origin: server.url, summary };
});
afterAll(async () => {
  summary.report("public-forms");
  client?.close();
  await server?.close();
});

/** What every stored signature must satisfy, whatever was posted: the form's rules, held by the data. */
async function storedSignaturesAreClean(): Promise<string | undefined> {
  const rows = await t.db
    .selectFrom("signatures")
    .select(["id", "display_name", "private_name", "role", "country", "link", "comment", "named", "consent_public"])
    .where("id", ">", checkedUpTo)
    .orderBy("id")
    .execute();
  for (const r of rows) {
    checkedUpTo = r.id;
    const problem =
      (r.display_name !== cleanText(r.display_name) || nameProblem(r.display_name) ? `display name ${JSON.stringify(r.display_name)}` : "") ||
      (r.private_name !== null && nameProblem(r.private_name) ? `private name ${JSON.stringify(r.private_name)}` : "") ||
      (!ROLES.includes(r.role) ? `role ${r.role}` : "") ||
      (r.named !== r.consent_public ? `named ${r.named} with consent_public ${r.consent_public}` : "") ||
      (!COUNTRY_CODES.has(r.country) ? `country ${r.country}` : "") ||
      (r.link !== null && !/^https?:\/\/\S+$/i.test(r.link) ? `link ${JSON.stringify(r.link)}` : "") ||
      (r.comment !== null && ([...r.comment].length > 280 || hasInvisibleCharacters(r.comment, true))
        ? `comment ${JSON.stringify(r.comment.slice(0, 80))}`
        : "");
    if (problem) return `stored an invalid signature ${r.id}: ${problem}`;
  }
  return undefined;
}

/** Every signature as it stands after the edits (an update rewrites an old row). */
async function allSignaturesAreClean() {
  checkedUpTo = "0";
  return storedSignaturesAreClean();
}

const names = fc.oneof(
  fc.constantFrom("The Weather Station", "Björk", "Ana Tijoux", "سلام‌ها", "שלום", "Kraftwerk", "Sigur Rós", "👩‍🎤 Riot Band", "Ÿ"),
  fc.stringMatching(/^[A-Z][a-z]{1,15}(?: [A-Z][a-z]{1,15}){0,2}$/),
);
const publicFields = {
  displayName: names,
  role: fc.constantFrom(...ROLES),
  country: fc.constantFrom("GB", "US", "FR", "BR", "IS", "IR", "IL", "JP"),
  link: fc.constantFrom("https://example.org/artist", "http://bandcamp.example/x?y=1", "https://xn--bjrk-5qa.example/"),
  comment: fc.lorem({ maxCount: 12 }),
};

const endpoints = (): Endpoint[] => [
  {
    name: "POST / (sign)",
    method: "POST",
    path: "/?index",
    fields: {
      ...publicFields,
      privateName: names,
      email: fc.nat(1_000_000).map((n) => `fuzz.${n}@example.org`),
      attest: fc.constant("on"),
      consent: fc.constant("on"),
      unnamed: fc.constant("on"),
      website: fc.constant(""),
      version: fc.constant(letterSha),
    },
    ciRuns: 300,
    accepted: async (answer) => (answer.status === 302 && answer.headers.location === "/signed" ? storedSignaturesAreClean() : `answered ${answer.status}`),
  },
  {
    name: "POST /confirm (code)",
    method: "POST",
    path: "/confirm?index",
    fields: {
      intent: fc.constantFrom("find", "confirm"),
      email: fc.constantFrom(...signers.map((s) => s.email)),
      code: fc.constantFrom(...signers.map((s) => s.code)),
    },
    validWeight: 3,
    // Failed tries are counted (rate_limit_counters): that is the guessing limit working.
    mayChangeOnRefusal: ["rate_limit_counters"],
    ciRuns: 200,
  },
  {
    name: "POST /confirm/:token (link)",
    method: "POST",
    path: segment(signers.map((s) => s.token)).map((s) => `/confirm/${s}`),
    fields: { intent: fc.constant("confirm") },
    ciRuns: 150,
  },
  {
    name: "POST /manage/:token (update, withdraw)",
    method: "POST",
    path: segment([...manageTokens, signers[6]!.token]).map((s) => `/manage/${s}`),
    fields: {
      ...publicFields,
      intent: fc.constantFrom("update", "update", "update", "withdraw"),
      consent: fc.constant("on"),
      unnamed: fc.constant("on"),
      confirmWithdraw: fc.constant("on"),
    },
    ciRuns: 300,
    accepted: async (answer) => (answer.status === 200 ? allSignaturesAreClean() : `answered ${answer.status}`),
  },
  {
    name: "POST /admin/login (request, code)",
    method: "POST",
    path: "/admin/login",
    fields: {
      email: fc.oneof(
        fc.constantFrom("moderator@countersign.test"),
        fc.nat(1_000_000).map((n) => `staff.${n}@countersign.test`),
      ),
      intent: fc.constantFrom("code", "email"),
      code: fc.stringMatching(/^\d{6}$/),
      next: fc.constantFrom("/admin", "/admin/bulk", "/admin?state=approved"),
    },
    // Sign-in requests and wrong codes are counted per address and IP, as they should be.
    mayChangeOnRefusal: ["rate_limit_counters"],
    ciRuns: 200,
  },
  {
    name: "POST /admin/logout (signed out)",
    method: "POST",
    path: "/admin/logout",
    fields: { everywhere: fc.constant("on") },
    ciRuns: 50,
  },
];

describe("public forms under hostile input", () => {
  for (const name of [
    "POST / (sign)",
    "POST /confirm (code)",
    "POST /confirm/:token (link)",
    "POST /manage/:token (update, withdraw)",
    "POST /admin/login (request, code)",
    "POST /admin/logout (signed out)",
  ]) {
    it(`${name}: never a 5xx, a message on every refusal, no change unless accepted`, { timeout: timeFor(runsFor(300)) }, async () => {
      const endpoint = endpoints().find((e) => e.name === name)!;
      await fuzz(env, endpoint);
    });
  }
});
