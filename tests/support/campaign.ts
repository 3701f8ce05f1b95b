import { expect } from "vitest";
import type { Db } from "../../db/client";
import { issueLink } from "../../app/domain/campaign/campaign.server";
import type { CampaignState } from "../../app/domain/campaign/states";
import { PUBLIC_OUTPUTS } from "./public-list";

/** A visitor of the test server: each request from its own address (no rate limit is reached). */
export function campaignClient(baseUrl: string) {
  let client = 0;
  const ip = () => `198.18.${Math.floor(++client / 250)}.${(client % 250) + 1}`;
  const get = (path: string, cookie?: string) =>
    fetch(`${baseUrl}${path}`, { redirect: "manual", headers: { "x-forwarded-for": ip(), ...(cookie ? { cookie } : {}) } });
  const post = (path: string, body: Record<string, string>, cookie?: string) =>
    fetch(`${baseUrl}${path}`, {
      method: "POST",
      body: new URLSearchParams(body),
      headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": ip(), origin: baseUrl, ...(cookie ? { cookie } : {}) },
      redirect: "manual",
    });

  /** Opens an invitation or preview link (a page with a button, no cookie), presses it, and gives the cookie it left. */
  async function follow(kind: "invite" | "preview", token: string) {
    const page = await get(`/${kind}/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("set-cookie")).toBeNull();
    expect(await page.text()).toContain('name="robots" content="noindex"');
    const res = await post(`/${kind}/${token}`, {});
    expect(res.status).toBe(303);
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    return setCookie.split(";", 1)[0]!;
  }

  /** Every public output, answered as a visitor with `cookie` sees it. */
  const outputs = (cookie?: string) =>
    Promise.all(
      PUBLIC_OUTPUTS.map(async (path) => {
        const res = await get(path, cookie);
        return { path, status: res.status, location: res.headers.get("location"), cache: res.headers.get("cache-control"), body: await res.text() };
      }),
    );

  return { get, post, follow, outputs };
}

export type Answers = Awaited<ReturnType<ReturnType<typeof campaignClient>["outputs"]>>;

/**
 * Nothing of the list in any answer: pages go to the holding page (or, for an invitation, the
 * letter without its counts), anything else is a bare 404, and no shared cache may keep any of it.
 */
export function expectNothingOfTheList(answers: Answers, hidden: { names: string[]; title: string; letterShown: boolean }) {
  for (const a of answers) {
    for (const name of hidden.names) expect(a.body, a.path).not.toContain(name);
    expect(a.cache, a.path).toBe("private, no-store");
    if (a.path === "/") {
      expect(a.status).toBe(200);
      if (!hidden.letterShown) expect(a.body).not.toContain(hidden.title);
      expect(a.body).not.toMatch(/signatures approved/);
    } else if (a.path === "/signatures" || a.path.startsWith("/signatures?") || a.path === "/press") {
      expect([a.status, a.location], a.path).toEqual([302, "/"]);
    } else {
      expect(a.status, a.path).toBe(404);
      expect(a.body, a.path).toBe("Not found\n");
    }
  }
}

/** Puts the letter in `state` directly (an embargo ends a day from now, in Madrid). */
export async function setCampaignState(db: Db, letterId: number, state: CampaignState) {
  const publicAt = state === "embargoed" ? new Date(Date.now() + 86_400_000) : null;
  await db
    .updateTable("letters")
    .set({ campaign_state: state, public_at: publicAt, public_at_zone: publicAt ? "Europe/Madrid" : null })
    .where("id", "=", letterId)
    .execute();
}

export const campaignLink = (db: Db, letterId: number, adminId: string, purpose: "invitation" | "preview", days = 7) =>
  issueLink(db, letterId, { purpose, note: `test ${purpose}`, days }, `user:${adminId}`);

export const signForm = (email: string) => ({ displayName: "Marisol Quenby", role: "songwriter", country: "ES", email, attest: "on", consent: "on" });
