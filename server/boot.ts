import path from "node:path";
import { openDatabase, type Database } from "../db/client";
import { migrateToLatest } from "../db/migrator";
import { EnvError, parseEnv, type Env } from "../app/utils/env.server";
import { createLogger, type Logger } from "../app/utils/logger.server";

export interface Booted {
  env: Env;
  log: Logger;
  database: Database;
}

/**
 * What every process does first: check the configuration, open the database, migrate (a web
 * process that a cluster's primary started skips the migrations: the primary ran them).
 */
export async function boot({ migrate = true }: { migrate?: boolean } = {}): Promise<Booted> {
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
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE, dataDir: env.DATA_DIR });
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  if (database.backend === "pglite" && migrate) {
    log.warn({ dataDir: path.resolve(env.DATA_DIR) }, "using the embedded PGlite database: for trying the app, not for production");
  }
  if (!migrate) return { env, log, database };
  const migrations = await migrateToLatest(database.db);
  for (const r of migrations.results ?? []) log.info({ migration: r.migrationName }, "migration applied");
  return { env, log, database };
}

/** Runs `stop` once on SIGTERM or SIGINT, then exits 0. */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    // Exit once the last lines are written: stdout may be a pipe that is full (a busy reader), and
    // process.exit() would drop what pino still holds. At most a second is given to the reader.
    const exitAfterFlush = (code: number) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 1000).unref();
      log.flush(() => process.exit(code));
    };
    stop().then(
      () => {
        log.info("stopped");
        exitAfterFlush(0);
      },
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        exitAfterFlush(1);
      },
    );
  };
  process.on("SIGTERM", () => handler("SIGTERM"));
  process.on("SIGINT", () => handler("SIGINT"));
}
