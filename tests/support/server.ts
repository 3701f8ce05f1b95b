import type { AddressInfo } from "node:net";
import path from "node:path";
import { Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import type { Database } from "../../db/client";
import { registerLetterFiles } from "../../app/domain/letter/letter.server";
import { parseEnv } from "../../app/utils/env.server";
import { createLogger } from "../../app/utils/logger.server";
import { createApp, type AppDeps, type CountersignApp } from "../../server/app";

export interface TestServer {
  url: string;
  /** Every log line the server wrote, parsed. */
  logs: Record<string, unknown>[];
  startDraining(): void;
  /** The render cache's counters (undefined when RENDER_CACHE_SECONDS=0). */
  renderStats: CountersignApp["renderStats"];
  close(): Promise<void>;
}

/** The real app (built by `npm test` before vitest starts) on a free port, over the given database. */
export async function startTestServer(
  database: Database,
  env: Record<string, string> = {},
  options: Pick<AppDeps, "bodyTimeoutMs" | "resolveTxt"> = {},
): Promise<TestServer> {
  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  // As server/main.ts does at start (idempotent: a test may have registered it already).
  const letters = await registerLetterFiles(database.db);
  const letter = letters.en!;
  const parsedEnv = parseEnv({ APP_ENV: "test", ...env });
  const log = createLogger("info", sink);
  const { app, startDraining, renderStats } = createApp({ build, database, env: parsedEnv, log, letter, letters, ...options });
  const server = app.listen(0, "127.0.0.1");
  // Longer than the test client's own idle timeout even when a loaded machine delays its timers: a
  // kept-alive socket the server had just closed would otherwise be reused and reset (ECONNRESET).
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logs,
    startDraining,
    renderStats,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
