// The production entry: validates the configuration, opens the database, migrates, registers the
// letter, then serves. `npm start` runs it after building.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { openDatabase, type Database } from "../db/client";
import { migrateToLatest } from "../db/migrator";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion } from "../app/domain/letter/letter.server";
import { EnvError, parseEnv, type Env } from "../app/utils/env.server";
import { createLogger } from "../app/utils/logger.server";
import { createApp } from "./app";

let env: Env;
try {
  env = parseEnv();
} catch (error) {
  if (error instanceof EnvError) {
    console.error(error.message);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}

const log = createLogger(env.LOG_LEVEL);
const started = Date.now();
let database: Database;
try {
  database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, dataDir: env.DATA_DIR });
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
if (database.backend === "pglite") {
  log.warn({ dataDir: path.resolve(env.DATA_DIR) }, "using the embedded PGlite database: for trying the app, not for production");
}

const migrations = await migrateToLatest(database.db);
for (const r of migrations.results ?? []) log.info({ migration: r.migrationName }, "migration applied");
const letter = await registerLetterVersion(database.db, CURRENT_LETTER.slug, await readLetterFile());
log.info({ letter: letter.slug, sha256: letter.sha256 }, "letter version in force");

const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
const { app, startDraining } = createApp({ build, database, env, log });

const server = app.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  log.info({ url: `http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${port}`, startupMs: Date.now() - started, backend: database.backend }, "listening");
});
server.keepAliveTimeout = 5_000;

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "shutting down: finishing in-flight requests");
  startDraining();
  const force = setTimeout(() => {
    log.warn("shutdown timeout: closing remaining connections");
    server.closeAllConnections();
  }, env.SHUTDOWN_TIMEOUT_MS);
  force.unref();
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
  await database.close();
  log.info("stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
