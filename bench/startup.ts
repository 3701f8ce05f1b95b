// npm run bench:startup — cold start to first page, and the idle server's peak memory, on each backend.
//
//   PGlite (new DATA_DIR)      : the very first `npm start` on a fresh clone (creates the database)
//   PGlite (existing DATA_DIR) : every later start
//   PostgreSQL                 : when BENCH_DATABASE_URL (or DATABASE_URL) names a server; a scratch database is made
//
// Each figure is the median of RUNS starts (default 3). The build is done first and not counted.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { spawnServer } from "../tests/support/process";

const RUNS = Number(process.env.RUNS ?? 3);
const IDLE_MS = Number(process.env.IDLE_MS ?? 3000);
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;

execFileSync(process.execPath, ["scripts/build-if-needed.mjs"], { stdio: "inherit" });

function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function once(env: Record<string, string>): Promise<{ firstPageMs: number; peakRssMiB: number }> {
  const started = performance.now();
  const server = spawnServer({ ...env, LOG_LEVEL: "warn" });
  // "warn" hides the listening line, so poll until the page answers.
  const url = `http://127.0.0.1:${env.PORT}`;
  for (;;) {
    const res = await fetch(`${url}/`).catch(() => undefined);
    if (res?.status === 200) {
      await res.text();
      break;
    }
    if (server.child.exitCode !== null) throw new Error(`server exited: ${server.stderr()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const firstPageMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const rss = peakRssMiB(server.child.pid!);
  server.child.kill("SIGTERM");
  await server.exited;
  return { firstPageMs, peakRssMiB: rss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, runs: () => Promise<{ firstPageMs: number; peakRssMiB: number }>) {
  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(await runs());
  console.log(
    `${label.padEnd(28)} first page ${median(results.map((r) => r.firstPageMs))
      .toFixed(0)
      .padStart(5)} ms   ` +
      `idle peak RSS ${median(results.map((r) => r.peakRssMiB))
        .toFixed(0)
        .padStart(4)} MiB   (median of ${RUNS})`,
  );
}

const port = String(4100 + (process.pid % 500));
await measure("PGlite (new DATA_DIR)", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "countersign-bench-"));
  try {
    return await once({ DATA_DIR: dir, PORT: port });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const warmDir = mkdtempSync(path.join(tmpdir(), "countersign-bench-"));
await once({ DATA_DIR: warmDir, PORT: port });
await measure("PGlite (existing DATA_DIR)", () => once({ DATA_DIR: warmDir, PORT: port }));
rmSync(warmDir, { recursive: true, force: true });

if (pgUrl) {
  const name = `cs_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  try {
    await measure("PostgreSQL", () => once({ DATABASE_URL: url.toString(), PORT: port }));
  } finally {
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log("PostgreSQL                   skipped: set BENCH_DATABASE_URL=postgres://… to measure it");
}
