import path from "node:path";
import { fileURLToPath } from "node:url";
import { Migrator, type MigrationResultSet } from "kysely/migration";
import type { Db } from "./client";
import { migrations } from "./migrations/index";

export const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export function createMigrator(db: Db): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function check(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    const message = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Migration ${failed?.migrationName ?? "(unknown)"} failed: ${message}`, { cause: result.error });
  }
  return result;
}

export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  return check(await createMigrator(db).migrateToLatest());
}

export async function migrateDown(db: Db): Promise<MigrationResultSet> {
  return check(await createMigrator(db).migrateDown());
}

/** Rolls every migration back, newest first (tests use it to prove each `down` works). */
export async function migrateAllDown(db: Db): Promise<void> {
  const migrator = createMigrator(db);
  for (;;) {
    const result = check(await migrator.migrateDown());
    if (!result.results || result.results.length === 0) return;
  }
}
