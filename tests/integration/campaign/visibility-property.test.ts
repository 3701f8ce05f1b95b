import fc from "fast-check";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeLink } from "../../../app/domain/campaign/campaign.server";
import { CAMPAIGN_STATES, type CampaignState } from "../../../app/domain/campaign/states";
import { refreshRollup } from "../../../app/domain/public-list/rollup.server";
import { userWithSession } from "../../support/auth";
import { campaignClient, campaignLink, expectNothingOfTheList, setCampaignState, signForm } from "../../support/campaign";
import { setupTestDatabase } from "../../support/db";
import { seedSignatures } from "../../support/public-list";
import { startTestServer, type TestServer } from "../../support/server";
import { registerCurrentLetter, uniqueEmail } from "../../support/signatures";

// The launch states' visibility rules as a property (decision 017), over HTTP: for any state and
// any visitor (no link, a working or revoked invitation, a working or revoked preview), every
// public output shows the list only when the rules say so; in `collecting` nothing named leaks
// to anyone; in `embargoed` nothing at all without a working preview; and a sign post is stored
// only when the rules allow it (never in `closed`).

const t = setupTestDatabase();
let server: TestServer;
let letterId: number;
let title: string;
const NAMES = ["Philippa Vornholt", "Casimir Oyelaran"];
const UNNAMED = "Ysolde Marchbank";
const visitors = ["none", "invitation", "preview", "revoked_invitation", "revoked_preview"] as const;
type Visitor = (typeof visitors)[number];
const cookies = {} as Record<Visitor, string | undefined>;
let client: ReturnType<typeof campaignClient>;

beforeAll(async () => {
  const letter = await registerCurrentLetter(t.db);
  letterId = letter.letterId;
  title = letter.title;
  const [, , unnamed] = await seedSignatures(t.db, letter, [{ name: NAMES[0]! }, { name: NAMES[1]!, country: "NG" }, { name: UNNAMED }]);
  await t.db.updateTable("signatures").set({ named: false, consent_public: false }).where("id", "=", unnamed!.id).execute();
  await refreshRollup(t.db, letterId);
  const admin = await userWithSession(t.db, "admin");
  server = await startTestServer(t.database, { APP_URL: "http://letters.test", TRUSTED_PROXIES: "loopback" });
  client = campaignClient(server.url);
  // Links open (and leave their cookie) only before launch.
  await setCampaignState(t.db, letterId, "collecting");
  for (const visitor of visitors) {
    if (visitor === "none") continue;
    const purpose = visitor.endsWith("invitation") ? "invitation" : "preview";
    const made = await campaignLink(t.db, letterId, admin.id, purpose);
    cookies[visitor] = await client.follow(purpose === "invitation" ? "invite" : "preview", made.token);
    if (visitor.startsWith("revoked")) await revokeLink(t.db, letterId, made.id, `user:${admin.id}`);
  }
});
afterAll(async () => {
  await server?.close();
});

/** What the rules promise (states.ts, accessFor): who sees the list, who may sign. */
function expected(state: CampaignState, visitor: Visitor) {
  return {
    list: state === "public" || state === "closed" || (state === "embargoed" && visitor === "preview"),
    letter: state === "public" || state === "closed" || visitor === "invitation" || (state === "embargoed" && visitor === "preview"),
    sign: state === "public" || ((state === "collecting" || state === "embargoed") && visitor === "invitation"),
  };
}

/** One case: the letter in `state`, every output read by `visitor`, and one sign post. */
async function check(state: CampaignState, visitor: Visitor) {
  await setCampaignState(t.db, letterId, state);
  const rule = expected(state, visitor);
  const answers = await client.outputs(cookies[visitor]);
  // Nobody, in any state, ever sees the name of a signer who asked not to be named.
  for (const a of answers) expect(a.body, a.path).not.toContain(UNNAMED);
  if (rule.list) {
    for (const a of answers) expect(a.status, `${state} ${visitor} ${a.path}`).toBe(200);
    const list = answers.find((a) => a.path === "/signatures")!.body;
    for (const name of NAMES) expect(list).toContain(name);
    expect(list.includes("Embargoed</strong> until")).toBe(state === "embargoed");
  } else {
    expectNothingOfTheList(answers, { names: NAMES, title, letterShown: rule.letter });
  }

  const email = uniqueEmail(`${state}-${visitor}`);
  const count = () =>
    t.db
      .selectFrom("signatures")
      .select(sql<number>`count(*)::int`.as("n"))
      .executeTakeFirstOrThrow();
  const before = await count();
  const res = await client.post("/?index", signForm(email), cookies[visitor]);
  const after = await count();
  expect([res.status, after.n - before.n], `${state} ${visitor}`).toEqual(rule.sign ? [302, 1] : [403, 0]);
}

describe("launch states, for any state and visitor", () => {
  // Each run visits all 20 pairs of the 4 states and 5 visitors, in a random order (so every
  // switch between states is met from a random place); fixed seed.
  const pairs = Object.values(CAMPAIGN_STATES).flatMap((state) => visitors.map((visitor) => [state, visitor] as const));
  it("show the list, and take a signature, exactly as the rules say", { timeout: 180_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(pairs, { minLength: pairs.length }), async (order) => {
        for (const [state, visitor] of order) await check(state, visitor);
      }),
      { numRuns: 2, seed: 17 },
    );
  });
});
