import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { openPglite, openPostgres, type Database, type Db } from "../../db/client";
import { TEST_DATABASE_URL, databaseUrlFor } from "./config";

export interface TestDatabase extends Database {
  /** The PostgreSQL URL of this copy, when the suite runs on PostgreSQL. */
  readonly url: string | undefined;
}

let templateDump: Blob | undefined;

/** PGlite: the run's migrated template as a data-folder dump (loading one skips the slow initdb). */
export function pgliteTemplate(): Blob {
  templateDump ??= new Blob([readFileSync(inject("pgliteTemplateFile"))]);
  return templateDump;
}

/** A fresh, migrated database of its own: a copy of the run's template on either backend. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) {
    const database = await openPglite({ loadDataDir: pgliteTemplate() });
    return Object.assign(database, { url: undefined });
  }
  const name = `cs_t_${inject("runId")}_${randomBytes(4).toString("hex")}`;
  await withAdmin((admin) => admin.query(`create database ${name} template ${inject("postgresTemplate")}`));
  const url = databaseUrlFor(TEST_DATABASE_URL, name);
  const database = openPostgres(url, 5);
  return {
    ...database,
    url,
    async close() {
      await database.close();
      await withAdmin((admin) => admin.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Gives the calling test file its own database for all its tests, closed after them. */
export function setupTestDatabase(): { readonly db: Db; readonly database: TestDatabase } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });
  return {
    get db() {
      if (!database) throw new Error("the test database is opened in beforeAll");
      return database.db;
    },
    get database() {
      if (!database) throw new Error("the test database is opened in beforeAll");
      return database;
    },
  };
}
