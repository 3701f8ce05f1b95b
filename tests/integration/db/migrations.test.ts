import { readFileSync, readdirSync } from "node:fs";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import type { Db } from "../../../db/client";
import { generateSchemaSource } from "../../../db/introspect";
import { migrateAllDown, migrateToLatest, migrationFolder } from "../../../db/migrator";
import { migrations } from "../../../db/migrations/index";
import { setupTestDatabase } from "../../support/db";

const t = setupTestDatabase();

async function tables(db: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_migration%'
    order by 1`.execute(db);
  return rows.map((r) => r.name);
}

describe("migrations", () => {
  it("are timestamped files, each with an up and a down", async () => {
    const files = readdirSync(migrationFolder).filter((f) => f.endsWith(".ts") && f !== "index.ts");
    expect(files.length).toBeGreaterThan(0);
    // db/migrations/index.ts lists every file, and nothing else.
    expect(Object.keys(migrations).sort()).toEqual(files.map((f) => f.replace(/\.ts$/, "")).sort());
    for (const file of files) {
      expect(file).toMatch(/^\d{4}_\d{2}_\d{2}_\d{4}_[a-z0-9_]+\.ts$/);
      const migration = (await import(`${migrationFolder}/${file}`)) as Record<string, unknown>;
      expect(typeof migration.up, file).toBe("function");
      expect(typeof migration.down, file).toBe("function");
    }
  });

  it("roll all the way down and up again, leaving the same schema", async () => {
    const before = await generateSchemaSource(t.db);
    expect(await tables(t.db)).toContain("letters");

    await migrateAllDown(t.db);
    expect(await tables(t.db)).toEqual([]);

    await migrateToLatest(t.db);
    expect(await generateSchemaSource(t.db)).toBe(before);

    // And once more, so a down that leaves something behind (an index, a type) shows up here.
    await migrateAllDown(t.db);
    await migrateToLatest(t.db);
    // Four full passes over every migration: slow on a busy machine, not a sign of a fault.
    expect(await generateSchemaSource(t.db)).toBe(before);
  }, 120_000);

  it("enable the extensions the schema needs", async () => {
    const { rows } = await sql<{ extname: string }>`select extname from pg_extension order by 1`.execute(t.db);
    expect(rows.map((r) => r.extname)).toEqual(expect.arrayContaining(["citext", "pg_trgm"]));
  });

  it("match the committed table types in db/schema.ts (run npm run db:codegen after a migration)", async () => {
    expect(await generateSchemaSource(t.db)).toBe(readFileSync("db/schema.ts", "utf8"));
  });
});
