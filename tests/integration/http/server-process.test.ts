import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db";
import { spawnServer } from "../../support/process";

describe("the server process", () => {
  it("refuses to start on a bad configuration, naming each bad variable", async () => {
    const server = spawnServer({ PORT: "eighty", DATABASE_URL: "mysql://nope" });
    expect(await server.exited).toBe(78);
    expect(server.stderr()).toContain("Invalid configuration:");
    expect(server.stderr()).toContain("PORT must be a number");
    expect(server.stderr()).toContain("DATABASE_URL must start with postgres:// or postgresql://");
    expect(server.stderr()).not.toMatch(/\bat .*\.ts:\d+/); // a message, not a stack trace
  });

  describe("started and stopped like `npm start`", () => {
    // PostgreSQL when the suite runs on it; otherwise the embedded database in a new DATA_DIR.
    let database: TestDatabase | undefined;
    const dataDir = mkdtempSync(path.join(tmpdir(), "countersign-server-"));
    afterAll(async () => {
      await database?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it("migrates, registers the letter, serves it, and shuts down cleanly on SIGTERM", async () => {
      let env: Record<string, string> = { DATA_DIR: dataDir };
      if (process.env.DATABASE_URL) {
        database = await createTestDatabase();
        env = { DATABASE_URL: database.url! };
      }
      const server = spawnServer({ ...env, LOG_LEVEL: "info" });
      const url = await server.listening;

      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Stop running ICE recruitment ads on Spotify");
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      // The public counts were refreshed before it listened; the day's snapshot follows at once.
      const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as { total: number; updatedAt: string | null };
      expect(stats).toMatchObject({ total: 0, updatedAt: expect.any(String) });
      await expect
        .poll(async () => ((await (await fetch(`${url}/press/snapshots.json`)).json()) as { data: { rowCount: number }[] }).data, { timeout: 20_000 })
        .toEqual([expect.objectContaining({ rowCount: 0 })]);

      if (!process.env.DATABASE_URL) {
        // A second process on the same folder is refused while the first runs.
        const second = spawnServer({ DATA_DIR: dataDir });
        expect(await second.exited).toBe(1);
        expect(second.stderr()).toContain("is already open in another process");
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
      }

      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      const lines = server
        .stdout()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { msg: string });
      expect(lines.map((l) => l.msg)).toEqual(
        expect.arrayContaining(["letter version in force", "daily snapshot taken", "public counts reconciled: no drift", "listening", "stopped"]),
      );
      expect(lines.at(-1)?.msg).toBe("stopped");
      if (!process.env.DATABASE_URL) expect(existsSync(path.join(dataDir, "owner.lock"))).toBe(false);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    }, 120_000);
  });
});
