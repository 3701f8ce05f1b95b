import type { Migration } from "kysely/migration";
import * as letters from "./2026_11_28_1940_letters";
import * as outbox from "./2026_11_28_2000_outbox";
import * as signatures from "./2026_11_28_2100_signatures";
import * as moderation from "./2026_11_28_2200_moderation";
import * as publicList from "./2026_11_28_2300_public_list";
import * as redactableSnapshots from "./2026_11_30_1200_redactable_snapshots";
import * as publicIds from "./2026_12_01_0900_public_ids";
import * as tokenHmac from "./2026_12_01_1000_token_hmac";
import * as labels from "./2026_12_02_0900_labels";
import * as publicListRanges from "./2026_12_02_1000_public_list_ranges";
import * as publicListChanges from "./2026_12_02_1100_public_list_changes";
import * as unnamed from "./2026_12_02_1200_unnamed";
import * as campaign from "./2026_12_02_1300_campaign";
import * as delivery from "./2026_12_02_1400_delivery";
import * as languages from "./2026_12_02_1500_languages";

/**
 * Every migration, by file name. Listed statically (not read from the folder at run time) so that
 * they load the same way under tsx, vitest and any bundler; a test checks this list against the folder.
 */
export const migrations: Record<string, Migration> = {
  "2026_11_28_1940_letters": letters,
  "2026_11_28_2000_outbox": outbox,
  "2026_11_28_2100_signatures": signatures,
  "2026_11_28_2200_moderation": moderation,
  "2026_11_28_2300_public_list": publicList,
  "2026_11_30_1200_redactable_snapshots": redactableSnapshots,
  "2026_12_01_0900_public_ids": publicIds,
  "2026_12_01_1000_token_hmac": tokenHmac,
  "2026_12_02_0900_labels": labels,
  "2026_12_02_1000_public_list_ranges": publicListRanges,
  "2026_12_02_1100_public_list_changes": publicListChanges,
  "2026_12_02_1200_unnamed": unnamed,
  "2026_12_02_1300_campaign": campaign,
  "2026_12_02_1400_delivery": delivery,
  "2026_12_02_1500_languages": languages,
};
