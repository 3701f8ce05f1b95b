import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db";
import { spawnServer, type ServerProcess } from "../../support/process";

interface Line {
  msg: string;
  pid?: number;
  web?: number;
  url?: string;
  processes?: number;
}

const lines = (server: ServerProcess) =>
  server
    .stdout()
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Line);

/** A GET on a new connection each time (the primary hands connections, not requests, to processes). */
const getOnce = (url: string) =>
  new Promise<number>((resolve, reject) => {
    http
      .get(url, { agent: false, headers: { connection: "close" } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      })
      .on("error", reject);
  });

describe("every core busy (WEB_CONCURRENCY)", () => {
  let database: TestDatabase | undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), "countersign-cluster-"));
  afterAll(async () => {
    await database?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.runIf(!process.env.DATABASE_URL)(
    "stays one process on the embedded database, whatever WEB_CONCURRENCY says",
    async () => {
      const server = spawnServer({ DATA_DIR: dataDir, WEB_CONCURRENCY: "2", OUTBOX_WORKER: "off" });
      const url = await server.listening;
      for (let i = 0; i < 6; i++) expect(await getOnce(`${url}/healthz`)).toBe(200);
      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      const logged = lines(server);
      expect(logged.filter((l) => l.msg === "listening")).toHaveLength(1);
      expect(logged.some((l) => l.msg === "starting web processes" || l.msg === "web process listening")).toBe(false);
      expect(logged.at(-1)?.msg).toBe("stopped");
    },
    60_000,
  );

  it.runIf(Boolean(process.env.DATABASE_URL))(
    "runs two web processes on PostgreSQL, both answering, one doing the ticks; a crashed one is replaced; SIGTERM stops all",
    async () => {
      database = await createTestDatabase();
      const server = spawnServer({ DATABASE_URL: database.url!, WEB_CONCURRENCY: "2", DATABASE_POOL_SIZE: "6", LOG_LEVEL: "info" });
      const url = await server.listening;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(url).not.toMatch(/:0$/);

      const servedBy = async () => {
        const before = lines(server).length;
        for (let i = 0; i < 20; i++) expect(await getOnce(`${url}/healthz`)).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return new Set(
          lines(server)
            .slice(before)
            .filter((l) => l.msg === "request")
            .map((l) => l.pid),
        );
      };
      const first = await servedBy();
      expect(first.size).toBe(2);

      const logged = lines(server);
      expect(logged.filter((l) => l.msg === "listening")).toEqual([expect.objectContaining({ processes: 2 })]);
      // The day's snapshot and the reconciliation come from one process only.
      await expect.poll(() => lines(server).filter((l) => l.msg === "daily snapshot taken").length, { timeout: 20_000 }).toBe(1);
      const ticking = new Set(
        lines(server)
          .filter((l) => l.msg === "daily snapshot taken" || l.msg.startsWith("public counts reconciled"))
          .map((l) => l.web),
      );
      expect(ticking).toEqual(new Set([0]));
      // No answer says which process served it (the pids are in the logs only).
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${url}/healthz`, { headers: { connection: "close" } });
        const answer = `${[...res.headers].map(([name, value]) => `${name}: ${value}`).join("\n")}\n${await res.text()}`;
        for (const pid of [...first, server.child.pid]) expect(answer).not.toMatch(new RegExp(`\\b${pid}\\b`));
      }

      // A web process that dies is replaced, and the port keeps answering from two processes.
      const victim = logged.find((l) => l.msg === "web process listening" && l.web === 1)!.pid!;
      process.kill(victim, "SIGKILL");
      await expect.poll(() => lines(server).some((l) => l.msg === "web process exited: starting another in its place"), { timeout: 10_000 }).toBe(true);
      await expect
        .poll(() => lines(server).filter((l) => l.msg === "web process listening" && l.web === 1 && l.pid !== victim).length, { timeout: 30_000 })
        .toBe(1);
      const after = await servedBy();
      expect(after.size).toBe(2);
      expect(after.has(victim)).toBe(false);

      server.child.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      const end = lines(server);
      expect(
        end
          .filter((l) => l.msg === "stopped" && l.web !== undefined)
          .map((l) => l.web)
          .sort(),
      ).toEqual([0, 1]);
      expect(end.at(-1)).toMatchObject({ msg: "stopped" });
      expect(end.at(-1)?.web).toBeUndefined();
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    },
    120_000,
  );
});
