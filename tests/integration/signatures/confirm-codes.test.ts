import { createHmac } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { confirmByToken, confirmWithCode, lookupConfirmToken } from "../../../app/domain/signatures/confirm.server";
import { sha256 } from "../../../app/domain/signatures/tokens.server";
import { DEV_TOKEN_HMAC_SECRET } from "../../../app/utils/env.server";
import { setupTestDatabase } from "../../support/db";
import { currentLetter, freshContext, lastEmailTo, registerCurrentLetter, sign, uniqueEmail } from "../../support/signatures";

const t = setupTestDatabase();

beforeAll(async () => {
  await registerCurrentLetter(t.db);
});

async function signed(email = uniqueEmail("codes")) {
  const outcome = await sign(t.db, { email });
  if (outcome.kind !== "created") throw new Error("expected a new signature");
  const { props } = (await lastEmailTo(t.db, email))!;
  return { email, signatureId: outcome.signatureId, token: props.token!, code: props.code! };
}

describe("signers' confirmation codes", () => {
  it("are kept only as HMACs keyed with TOKEN_HMAC_SECRET, not a plain SHA-256", async () => {
    const s = await signed();
    const row = await t.db.selectFrom("signature_tokens").select("code_hash").where("signature_id", "=", s.signatureId).executeTakeFirstOrThrow();
    expect(row.code_hash).not.toBe(sha256(s.code));
    expect(row.code_hash).toBe(createHmac("sha256", DEV_TOKEN_HMAC_SECRET).update(s.code).digest("hex"));
  });

  it("a re-sent confirmation revokes the previous link and code", async () => {
    const s = await signed();
    // Long enough ago that signing again is not a double click: a fresh confirmation goes out.
    await t.db
      .updateTable("signatures")
      .set({ created_at: sql<Date>`now() - interval '1 hour'` })
      .where("id", "=", s.signatureId)
      .execute();
    const again = await sign(t.db, { email: s.email });
    expect(again).toMatchObject({ kind: "existing", notified: true });
    const fresh = (await lastEmailTo(t.db, s.email))!.props;
    expect(fresh.token).not.toBe(s.token);

    expect(await lookupConfirmToken(t.db, s.token)).toEqual({ status: "invalid" });
    expect(await confirmByToken(t.db, s.token)).toEqual({ status: "invalid" });
    if (fresh.code !== s.code)
      expect(await confirmWithCode(t.db, (await currentLetter(t.db)).letterId, { email: s.email, code: s.code }, freshContext(), false)).toEqual({
        status: "wrong_code",
      });
    expect(await confirmByToken(t.db, fresh.token!)).toMatchObject({ status: "confirmed" });
  });
});
