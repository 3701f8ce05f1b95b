// Delivery packs built in a process of their own (decision 018), on PostgreSQL: the first web
// process's tick starts one when a pack waits, so the build's memory (pdfkit, fontkit, the
// garbage of 100,000 names) never adds to a web process's, and its heap is capped. The child
// (server/pack-builder-child.ts) claims the pack itself, with its own two connections; the lease
// and its heartbeat are the same as in process. On PGlite (one connection, inside the web
// process) the pack is still built in the web process.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PackTimings } from "../app/domain/delivery/packs.server";

/** The builder's old-generation cap: a 100,000-name build keeps about 30 MB live (measured, decision 018). */
export const PACK_BUILDER_HEAP_MB = 96;

const CHILD = fileURLToPath(new URL("./pack-builder-child.ts", import.meta.url));

export interface BuilderReport {
  made?: { id: string; outcome: "ready" | "lost" } | undefined;
  timings: PackTimings;
  /** The builder's own peak resident memory (getrusage). */
  peakRssMb: number;
  error?: string;
}

/** Starts a builder process, which claims and builds the next pack; resolves with its report once it exits. */
export function buildPackInChild(options: { databaseUrl: string; siteUrl: string; heapMb?: number }): Promise<BuilderReport> {
  const execArgv = [
    ...process.execArgv.filter((arg) => !arg.startsWith("--max-old-space-size")),
    `--max-old-space-size=${options.heapMb ?? PACK_BUILDER_HEAP_MB}`,
  ];
  // The child is TypeScript: run by tsx as the web process is (`npm start`), or under a test runner.
  if (!execArgv.some((arg) => arg.includes("tsx"))) execArgv.push("--import", "tsx");
  const child = fork(CHILD, [], {
    execArgv,
    env: { ...process.env, PACK_DATABASE_URL: options.databaseUrl, PACK_SITE_URL: options.siteUrl },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((resolve, reject) => {
    let report: BuilderReport | undefined;
    child.on("message", (message) => (report = message as BuilderReport));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (report?.error) reject(new Error(`delivery pack builder: ${report.error}`));
      else if (report) resolve(report);
      else reject(new Error(`delivery pack builder ended without a report (${signal ?? `exit code ${code}`})`));
    });
  });
}
