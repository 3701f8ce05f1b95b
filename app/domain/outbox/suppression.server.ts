import type { Db } from "../../../db/client";

export type SuppressionReason = "bounced" | "complained" | "manual";

/** Puts an address on the suppression list: the worker will skip every email to it from now on. */
export async function suppressAddress(db: Db, address: string, reason: SuppressionReason, detail?: string): Promise<void> {
  await db
    .insertInto("email_suppressions")
    .values({ address, reason, detail: detail ?? null })
    .onConflict((oc) => oc.column("address").doNothing())
    .execute();
}
