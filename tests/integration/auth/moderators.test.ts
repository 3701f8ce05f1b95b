import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditTrail } from "../../../app/domain/audit/audit.server";
import { setupTestDatabase } from "../../support/db";
import { userWithSession } from "../../support/auth";
import { startTestServer, type TestServer } from "../../support/server";

const t = setupTestDatabase();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(t.database, { APP_URL: "http://letters.test" });
});
afterAll(async () => {
  await server?.close();
});

const post = (body: Record<string, string>, cookie: string) =>
  fetch(`${server.url}/admin/moderators`, {
    method: "POST",
    body: new URLSearchParams(body),
    headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url, cookie },
    redirect: "manual",
  });

async function roleOf(email: string) {
  return (await t.db.selectFrom("users").select(["id", "role", "disabled_at"]).where("email", "=", email).executeTakeFirstOrThrow()).role;
}

describe("/admin/moderators", () => {
  it("never lowers a role by invitation, and says so (an admin inviting their own address)", async () => {
    const admin = await userWithSession(t.db, "admin");
    const res = await post({ intent: "invite", email: admin.email }, admin.cookie);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("already has the admin role; an invitation never lowers a role");
    expect(await roleOf(admin.email)).toBe("admin");
    expect((await fetch(`${server.url}/admin/moderators`, { headers: { cookie: admin.cookie } })).status).toBe(200);
  });

  it("invites a new moderator (or an admin), audited", async () => {
    const admin = await userWithSession(t.db, "admin");
    const email = `new.${Date.now().toString(36)}@countersign.test`;
    const res = await post({ intent: "invite", email }, admin.cookie);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Invited");
    expect(await roleOf(email)).toBe("moderator");
    const id = (await t.db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow()).id;
    expect(await auditTrail(t.db, "user", id)).toMatchObject([{ actor: `user:${admin.id}`, action: "user_invite", after_state: "moderator" }]);

    const second = `second.${Date.now().toString(36)}@countersign.test`;
    expect((await post({ intent: "invite", email: second, role: "admin" }, admin.cookie)).status).toBe(200);
    expect(await roleOf(second)).toBe("admin");
  });

  it("refuses to remove yourself, from the domain's rule", async () => {
    const admin = await userWithSession(t.db, "admin");
    const res = await post({ intent: "remove", id: admin.id }, admin.cookie);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("You cannot remove yourself.");
    expect((await fetch(`${server.url}/admin`, { headers: { cookie: admin.cookie }, redirect: "manual" })).status).toBe(200);
  });

  it("removes a moderator, audited", async () => {
    const admin = await userWithSession(t.db, "admin");
    const mod = await userWithSession(t.db, "moderator");
    expect((await post({ intent: "remove", id: mod.id }, admin.cookie)).status).toBe(200);
    expect((await auditTrail(t.db, "user", mod.id)).at(-1)).toMatchObject({ actor: `user:${admin.id}`, action: "user_remove" });
  });

  it("answers a bad form with field messages and changes nothing", async () => {
    const admin = await userWithSession(t.db, "admin");
    const bad = await post({ intent: "invite", email: "not an address" }, admin.cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Enter a valid email address");
    expect((await post({ intent: "invite", email: "x@countersign.test", role: "label_rep" }, admin.cookie)).status).toBe(400);
    expect((await post({ intent: "remove", id: "abc" }, admin.cookie)).status).toBe(400);
    expect((await post({ intent: "promote", id: admin.id }, admin.cookie)).status).toBe(400);
    expect(await t.db.selectFrom("users").select("id").where("email", "=", "x@countersign.test").execute()).toHaveLength(0);
  });
});
