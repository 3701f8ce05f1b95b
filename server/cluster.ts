import cluster, { type Worker } from "node:cluster";
import { availableParallelism } from "node:os";
import type { Env } from "../app/utils/env.server";
import type { Logger } from "../app/utils/logger.server";
import { onShutdown } from "./boot";

/** The variable a web process reads to know its slot (0 runs the worker and the ticks). */
export const WEB_INDEX = "COUNTERSIGN_WEB_INDEX";

/** How many web processes `npm start` runs: WEB_CONCURRENCY, else one per core; PGlite is single-process. */
export function webConcurrency(env: Env, backend: "pglite" | "postgres"): number {
  if (backend === "pglite") return 1;
  return env.WEB_CONCURRENCY ?? availableParallelism();
}

/** Each web process's share of DATABASE_POOL_SIZE (at least one connection). */
export function poolShare(poolSize: number, processes: number): number {
  return Math.max(1, Math.floor(poolSize / processes));
}

/** The address a listening server is reached at, as logged in "listening". */
export function listenUrl(env: Env, port: number): string {
  const host = env.HOST === "0.0.0.0" ? "localhost" : env.HOST;
  return `http://${host}:${port}`;
}

const RESTART_DELAY_MS = 1_000;

/**
 * The cluster's primary: starts `processes` web processes sharing the port (the primary accepts and
 * hands out connections, so PORT=0 gives every process the same port), logs "listening" once all
 * listen, starts a new process in the slot of one that exits, and on SIGTERM/SIGINT stops them
 * all (each drains as a single process does) before it exits.
 */
export function runPrimary({ env, log, processes, started }: { env: Env; log: Logger; processes: number; started: number }): void {
  const pool = poolShare(env.DATABASE_POOL_SIZE, processes);
  const slots = new Map<Worker, number>();
  const restarts = new Set<NodeJS.Timeout>();
  let stopping = false;
  let listening = 0;
  let announced = false;

  const fork = (index: number) => {
    const worker = cluster.fork({ [WEB_INDEX]: String(index), DATABASE_POOL_SIZE: String(pool) });
    slots.set(worker, index);
  };

  cluster.on("listening", (worker, address) => {
    if (announced || ++listening < processes) return;
    announced = true;
    log.info({ url: listenUrl(env, address.port), startupMs: Date.now() - started, backend: "postgres", processes, poolPerProcess: pool }, "listening");
  });
  cluster.on("exit", (worker, code, signal) => {
    const index = slots.get(worker) ?? 0;
    slots.delete(worker);
    if (stopping) return;
    log.error({ web: index, pid: worker.process.pid, code, signal }, "web process exited: starting another in its place");
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!stopping) fork(index);
    }, RESTART_DELAY_MS);
    restarts.add(timer);
  });

  log.info({ processes, poolPerProcess: pool }, "starting web processes");
  for (let index = 0; index < processes; index++) fork(index);

  onShutdown(log, async () => {
    stopping = true;
    for (const timer of restarts) clearTimeout(timer);
    const running = [...slots.keys()];
    const exits = running.map((worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once("exit", () => resolve()))));
    for (const worker of running) worker.process.kill("SIGTERM");
    // Each process gives its requests SHUTDOWN_TIMEOUT_MS, then its worker and database a moment.
    const force = setTimeout(() => {
      log.warn("shutdown timeout: killing web processes that did not stop");
      for (const worker of running) if (!worker.isDead()) worker.process.kill("SIGKILL");
    }, env.SHUTDOWN_TIMEOUT_MS + 15_000);
    force.unref();
    await Promise.all(exits);
    clearTimeout(force);
  });
}
