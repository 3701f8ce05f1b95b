// npm run snapshot — takes a snapshot of the public list now, chained after the last one.
// On PGlite the database belongs to one process: stop the server first (or use the admin button).
import { CURRENT_LETTER, getCurrentLetter } from "../app/domain/letter/letter.server";
import { takeSnapshot } from "../app/domain/public-list/snapshots.server";
import { parseEnv } from "../app/utils/env.server";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrator";

const env = parseEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 1, dataDir: env.DATA_DIR });
try {
  await migrateToLatest(database.db);
  const letter = await getCurrentLetter(database.db, CURRENT_LETTER.slug);
  if (!letter) {
    console.error("No letter is registered yet: start the app once first.");
    process.exitCode = 1;
  } else {
    const started = Date.now();
    const s = await takeSnapshot(database.db, letter.letterId);
    console.log(`snapshot ${s.identifier}: ${s.rowCount} rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`  root  ${s.root}`);
    console.log(`  chain ${s.chainSha256}`);
    console.log(`  file  ${env.APP_URL}/press/snapshots/${s.identifier}.csv`);
  }
} finally {
  await database.close();
}
