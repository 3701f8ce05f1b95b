import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openPglite, openPostgres, type Database } from "../../../db/client";
import { createTestDatabase, pgliteTemplate, type TestDatabase } from "../../support/db";

const onPostgres = Boolean(process.env.DATABASE_URL);
let database: TestDatabase | undefined;
const dataDir = mkdtempSync(path.join(tmpdir(), "countersign-cli-"));
afterAll(async () => {
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/user.ts", ...args], {
      env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => resolve({ code, out }));
  });
}

async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = onPostgres ? openPostgres(database!.url!, 1) : await openPglite({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

describe("npm run user -- add <email> --role …", () => {
  it("creates the first admin from the command line, and refuses bad arguments", async () => {
    let env: Record<string, string>;
    if (onPostgres) {
      database = await createTestDatabase();
      env = { DATABASE_URL: database.url! };
    } else {
      await (await openPglite({ dataDir, loadDataDir: pgliteTemplate() })).close();
      env = { DATA_DIR: dataDir };
    }
    const bad = await run(["add", "not-an-email", "--role", "admin"], env);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("usage: npm run user -- add <email> --role admin|moderator");
    const badRole = await run(["add", "first@countersign.test", "--role", "label_rep"], env);
    expect(badRole.code).toBe(2);

    const ok = await run(["add", "First@Countersign.test", "--role", "admin"], env);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain("created admin First@Countersign.test");
    const users = await withDb((db) => db.db.selectFrom("users").select(["email", "role"]).execute());
    expect(users).toEqual([{ email: "First@Countersign.test", role: "admin" }]);

    // The only admin cannot be demoted, not even from the command line.
    const demote = await run(["add", "first@countersign.test", "--role", "moderator"], env);
    expect(demote.code).toBe(1);
    expect(demote.out).toContain("refused: that would leave no admin");
    const still = await withDb((db) => db.db.selectFrom("users").select(["email", "role"]).execute());
    expect(still).toEqual([{ email: "First@Countersign.test", role: "admin" }]);
    const audited = await withDb((db) => db.db.selectFrom("audit_log").select(["actor", "action", "subject_type"]).execute());
    expect(audited).toEqual([{ actor: "cli", action: "user_add", subject_type: "user" }]);
  }, 120_000);
});
