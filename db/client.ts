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
  // A connection that cannot be made in 5 s fails (the request answers 503) instead of waiting for ever.
  const pool = new pg.Pool({ connectionString, max: poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its connection emits here; without a listener it would crash the process.
  pool.on("error", () => {});
  // So does a client that is checked out but between queries (inside a transaction) when PostgreSQL
  // restarts: its next query fails instead (a 503), and the pool drops it on release.
  pool.on("connect", (client) => client.on("error", () => {}));
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

/** SQLSTATE classes and codes that mean the server is away (restarting, shutting down), not that a query is wrong. */
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-3])/;
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EHOSTUNREACH"]);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;

/** Whether an error (or one it wraps) says the database cannot be reached right now: worth a 503 and a retry. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
    if (typeof message === "string" && UNAVAILABLE_MESSAGES.test(message)) return true;
  }
  return false;
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
