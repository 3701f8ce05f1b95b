// The delivery pack builder (server/pack-builder.ts starts it): claims the next pack, builds it
// into the database, reports to its parent and exits.
import { openPostgres } from "../db/client";
import { runNextPack, type PackTimings } from "../app/domain/delivery/packs.server";
import type { BuilderReport } from "./pack-builder";

const database = openPostgres(process.env.PACK_DATABASE_URL!, 2);
const timings: PackTimings = { snapshotMs: 0, pdfMs: 0 };
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;
let report: BuilderReport;
try {
  const made = await runNextPack(database.db, process.env.PACK_SITE_URL!, timings);
  report = { made, timings, peakRssMb: peakRssMb() };
} catch (error) {
  report = { timings, peakRssMb: peakRssMb(), error: (error as Error).message };
} finally {
  await database.close();
}
process.send!(report, () => process.exit(0));
