import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPglite, openPostgres } from "../../db/client";
import { migrateToLatest } from "../../db/migrator";
import { TEST_DATABASE_URL, databaseUrlFor } from "./config";

/**
 * Builds one migrated template database per run; every test file then starts from a copy of it
 * (tests/support/db.ts): a PGlite data-folder dump, or a PostgreSQL `CREATE DATABASE … TEMPLATE`.
 */
export default async function setup(project: TestProject) {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  project.provide("runId", runId);
  // Browser tests save a screenshot of each step here (tests/support/browser.ts, stepsFor).
  const screenshots = path.resolve("test-results/screenshots");
  project.provide("screenshotDir", screenshots);
  // eslint-disable-next-line no-console -- the one line CI prints so a failing step's screenshot can be found
  console.log(`browser screenshots: ${screenshots}`);

  if (!TEST_DATABASE_URL) {
    const dir = path.resolve(".tmp/test");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `template-${runId}.tar`);
    const database = await openPglite({});
    await migrateToLatest(database.db);
    const dump = await database.pglite!.dumpDataDir("none");
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    await database.close();
    project.provide("pgliteTemplateFile", file);
    project.provide("postgresTemplate", "");
    return () => rmSync(file, { force: true });
  }

  const template = `cs_tpl_${runId}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${template}`);
  const database = openPostgres(databaseUrlFor(TEST_DATABASE_URL, template), 1);
  await migrateToLatest(database.db);
  await database.close();
  await admin.end();
  project.provide("pgliteTemplateFile", "");
  project.provide("postgresTemplate", template);

  return async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(`select datname from pg_database where datname = $1 or datname like $2`, [
      template,
      `cs_t_${runId}_%`,
    ]);
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
    await client.end();
  };
}
