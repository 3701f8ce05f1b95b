import type { Db } from "../../../db/client";
import type { Logger } from "../../utils/logger.server";
import { reconcileDue, reconcileRollup, refreshRollup } from "./rollup.server";
import { takeDailySnapshot } from "./snapshots.server";
import { launchIfDue } from "../campaign/campaign.server";

/**
 * The public list's housekeeping, run every PUBLIC_REFRESH_SECONDS by each web process (they take
 * turns on a row lock): fold new changes into the counts, recount once a day, and take the day's
 * snapshot once.
 */
export async function publicListTick(db: Db, letterId: number, log: Logger): Promise<void> {
  // A scheduled launch whose time has come, though no request has asked yet (decision 017).
  if (await launchIfDue(db, letterId)) log.info("the letter went public at its scheduled time");
  const { folded } = await refreshRollup(db, letterId);
  if (folded > 0) log.debug({ folded }, "public counts refreshed");
  if (await reconcileDue(db, letterId)) {
    const { drift } = await reconcileRollup(db, letterId);
    if (drift === 0) log.info("public counts reconciled: no drift");
    else log.warn({ drift }, "public counts reconciled: the roll-up had drifted and was corrected");
  }
  const snapshot = await takeDailySnapshot(db, letterId);
  if (snapshot) log.info({ snapshot: snapshot.identifier, rows: snapshot.rowCount, root: snapshot.root, chain: snapshot.chainSha256 }, "daily snapshot taken");
}
