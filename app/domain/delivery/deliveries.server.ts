import { sql } from "kysely";
import type { Db } from "../../../db/client";
import { recordAudit } from "../audit/audit.server";
import type { DeliveryForm } from "./schema";
import { PACK_STATES } from "./states";

/** A delivery cannot be recorded: the pack is not one of this letter's ready packs. */
export class DeliveryRuleError extends Error {
  constructor(
    readonly field: "packId",
    message: string,
  ) {
    super(message);
  }
}

/** Records that a ready pack was delivered (date, to whom, how), with its audit row, in one transaction. */
export async function recordDelivery(db: Db, letterId: number, userId: string, input: Extract<DeliveryForm, { intent: "record" }>): Promise<{ id: string }> {
  return db.transaction().execute(async (trx) => {
    const pack = await trx
      .selectFrom("delivery_packs")
      .select(["id", "sha256"])
      .where("id", "=", input.packId)
      .where("letter_id", "=", letterId)
      .where("state", "=", PACK_STATES.ready)
      .executeTakeFirst();
    if (!pack) throw new DeliveryRuleError("packId", "Choose a delivery pack that is ready");
    const row = await trx
      .insertInto("deliveries")
      .values({
        letter_id: letterId,
        pack_id: input.packId,
        delivered_on: input.deliveredOn,
        recipient: input.recipient,
        method: input.method,
        recorded_by: userId,
      })
      .returning(sql<string>`id::text`.as("id"))
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actor: `user:${userId}`,
      action: "delivery_recorded",
      subjectType: "delivery",
      subjectId: input.packId,
      after: `delivered ${input.deliveredOn} to ${input.recipient} by ${input.method}; pack sha256 ${pack.sha256}`,
    });
    return row;
  });
}

export interface PublicDelivery {
  deliveredOn: string;
  recipient: string;
  method: string;
  pdfSha256: string;
  snapshotIdentifier: string;
  snapshotChainSha256: string;
  names: number;
}

/** The deliveries as /press shows them: nothing about who recorded them. */
export async function listDeliveries(db: Db, letterId: number): Promise<PublicDelivery[]> {
  const rows = await db
    .selectFrom("deliveries as d")
    .innerJoin("delivery_packs as p", "p.id", "d.pack_id")
    .innerJoin("public_snapshots as s", "s.id", "p.snapshot_id")
    .select([
      sql<string>`to_char(d.delivered_on, 'YYYY-MM-DD')`.as("delivered_on"),
      "d.recipient",
      "d.method",
      "p.sha256",
      "p.rows_done",
      "s.identifier",
      "s.chain_sha256",
    ])
    .where("d.letter_id", "=", letterId)
    .orderBy("d.delivered_on", "desc")
    .orderBy("d.id", "desc")
    .execute();
  return rows.map((r) => ({
    deliveredOn: r.delivered_on,
    recipient: r.recipient,
    method: r.method,
    pdfSha256: r.sha256!,
    snapshotIdentifier: r.identifier!,
    snapshotChainSha256: r.chain_sha256!,
    names: r.rows_done,
  }));
}
