import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createMigrator, migrateToLatest } from "../../../db/migrator";
import { setupTestDatabase } from "../../support/db";
import { registerCurrentLetter, sign, uniqueEmail } from "../../support/signatures";

const t = setupTestDatabase();

describe("migration 2026_12_01_1000_token_hmac", () => {
  it("revokes the codes stored before they were HMACs: moderator sign-ins entirely, signers' codes (their links keep working)", async () => {
    await registerCurrentLetter(t.db);
    const outcome = await sign(t.db, { email: uniqueEmail("migrated") });
    if (outcome.kind !== "created") throw new Error("expected a new signature");
    const { error } = await createMigrator(t.db).migrateTo("2026_11_28_2300_public_list");
    expect(error).toBeUndefined();

    const { rows } = await sql<{ id: string }>`insert into users (email, role) values ('old.codes@countersign.test', 'moderator') returning id`.execute(t.db);
    await sql`insert into login_tokens (user_id, token_hash, code_hash, expires_at)
      values (${rows[0]!.id}, 'old-token', 'old-code', now() + interval '10 minutes')`.execute(t.db);
    await migrateToLatest(t.db);

    const login = await t.db.selectFrom("login_tokens").select("revoked_at").where("token_hash", "=", "old-token").executeTakeFirstOrThrow();
    expect(login.revoked_at).not.toBeNull();
    const confirm = await t.db
      .selectFrom("signature_tokens")
      .select(["code_hash", "revoked_at"])
      .where("signature_id", "=", outcome.signatureId)
      .executeTakeFirstOrThrow();
    expect(confirm).toEqual({ code_hash: null, revoked_at: null });
  });
});
