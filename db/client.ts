import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { citext } from "@electric-sql/pglite/contrib/citext";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { createPgConfig } from "@electric-sql/pglite/node-postgres";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { acquireDirLock } from "./lock";
import type { DB } from "./schema";

export type Db = Kysely<DB>;

/**
 * One code path for both backends: the app always talks to a `pg.Pool` through Kysely's
 * PostgresDialect. With DATABASE_URL the pool reaches PostgreSQL; without it, PGlite's
 * node-postgres adapter stands in as a pool of one connection inside this process.
 */
export interface Database {
  readonly db: Db;
  readonly pool: pg.Pool;
  readonly backend: "postgres" | "pglite";
  /** The embedded instance, when the backend is PGlite (tests dump and clone it). */
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; unset means the embedded PGlite database. */
  databaseUrl?: string | undefined;
  poolSize?: number;
  /** PGlite data folder (the database lives in DATA_DIR/pgdata); unset means in memory. */
  dataDir?: string | undefined;
  /** A PGlite data folder dump to start from (tests clone a migrated database this way). */
  loadDataDir?: Blob;
}

export const pgliteExtensions = { citext, pg_trgm };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10) : openPglite(options);
}

export function openPostgres(connectionString: string, poolSize: number): Database {
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 30_000 });
  // An idle client that loses its connection emits here; without a listener it would crash the process.
  pool.on("error", () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    pool,
    backend: "postgres",
    async close() {
      await db.destroy();
    },
  };
}

export async function openPglite(options: Pick<DatabaseOptions, "dataDir" | "loadDataDir">): Promise<Database> {
  const lock = options.dataDir ? acquireDirLock(path.resolve(options.dataDir)) : undefined;
  try {
    const pglite = await PGlite.create({
      dataDir: options.dataDir ? path.resolve(options.dataDir, "pgdata") : undefined,
      loadDataDir: options.loadDataDir,
      extensions: pgliteExtensions,
    });
    const pool = new pg.Pool({ ...createPgConfig(pglite), max: 1 });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    let closed = false;
    return {
      db,
      pool,
      backend: "pglite",
      pglite,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await db.destroy();
          await pglite.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}
