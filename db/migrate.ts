// npm run db:migrate | npm run db:rollback — against DATABASE_URL, or the embedded database in DATA_DIR.
import { parseEnv } from "../app/utils/env.server";
import { openDatabase } from "./client";
import { migrateDown, migrateToLatest } from "./migrator";

const direction = process.argv[2];
if (direction !== "up" && direction !== "down") {
  console.error("usage: tsx db/migrate.ts up|down");
  process.exit(2);
}

const env = parseEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 1, dataDir: env.DATA_DIR });
try {
  const result = direction === "up" ? await migrateToLatest(database.db) : await migrateDown(database.db);
  const done = result.results ?? [];
  if (done.length === 0) console.log(direction === "up" ? "already up to date" : "nothing to roll back");
  for (const r of done) console.log(`${r.direction === "Up" ? "applied" : "rolled back"} ${r.migrationName}`);
} finally {
  await database.close();
}
