// The web process (`npm start`): configuration, database, migrations, the letter, the email
// worker (unless OUTBOX_WORKER=off), then HTTP. On PostgreSQL, one web process per core
// (WEB_CONCURRENCY) under a node:cluster primary; the worker and the ticks run in the first only.
import cluster from "node:cluster";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { registerLetterFiles } from "../app/domain/letter/letter.server";
import { DEFAULT_LANGUAGE } from "../app/i18n";
import { pruneRateLimits } from "../app/domain/abuse/rate-limit.server";
import { sendQueueDigest } from "../app/domain/moderation/digest.server";
import { sendRosterReminders } from "../app/domain/labels/roster.server";
import { publicListTick } from "../app/domain/public-list/maintenance.server";
import { refreshRollup } from "../app/domain/public-list/rollup.server";
import { packWaiting, runNextPack } from "../app/domain/delivery/packs.server";
import { workerFor } from "../app/domain/outbox/runtime.server";
import { createApp } from "./app";
import { buildPackInChild } from "./pack-builder";
import { boot, onShutdown } from "./boot";
import { WEB_INDEX, listenUrl, runPrimary, webConcurrency } from "./cluster";

const started = Date.now();
const index = cluster.isPrimary ? 0 : Number(process.env[WEB_INDEX] ?? 0);
const booted = await boot({ migrate: cluster.isPrimary });
const { env, database } = booted;
// A cluster's web processes say which they are (the pid stays in the logs, never in an answer).
const log = cluster.isPrimary ? booted.log : booted.log.child({ web: index, pid: process.pid });

// Each translation is its own version (decision 019); the default language's is the letter's id and name.
const letters = await registerLetterFiles(database.db);
const letter = letters[DEFAULT_LANGUAGE]!;
if (cluster.isPrimary) {
  for (const version of Object.values(letters))
    log.info({ letter: version.slug, language: version.language, sha256: version.sha256 }, "letter version in force");
}
// The public counts are refreshed before any process serves.
if (cluster.isPrimary) await refreshRollup(database.db, letter.letterId);

const processes = cluster.isPrimary ? webConcurrency(env, database.backend) : 1;
if (cluster.isPrimary && processes > 1) {
  await database.close();
  runPrimary({ env, log, processes, started });
} else {
  await serve(!cluster.isPrimary);
}

/** One web process: HTTP, and (in the first, or the only one) the email worker and the ticks. */
async function serve(inCluster: boolean) {
  const duties = index === 0;
  const worker = duties && env.OUTBOX_WORKER === "on" ? workerFor(env, database.db, log) : undefined;
  worker?.start();

  // Housekeeping every 10 minutes (in one process; safe in more): old rate-limit windows pruned,
  // and the moderators' digest sent when the queue is old (a shared counter sends it once).
  const maintenance = duties
    ? setInterval(() => {
        pruneRateLimits(database.db).catch((error: unknown) => log.error({ err: error }, "pruning rate limits failed"));
        sendQueueDigest(database.db, env.MODERATION_DIGEST_HOURS).then(
          (sent) => sent > 0 && log.info({ emails: sent }, "moderation digest queued"),
          (error: unknown) => log.error({ err: error }, "moderation digest failed"),
        );
        // The one reminder to listed artists who have not answered in 7 days (rows claimed with SKIP LOCKED).
        sendRosterReminders(database.db).then(
          (sent) => sent > 0 && log.info({ emails: sent }, "roster reminders queued"),
          (error: unknown) => log.error({ err: error }, "roster reminders failed"),
        );
      }, 600_000)
    : undefined;
  maintenance?.unref();

  // The public counts (refreshed before serving, above), then every PUBLIC_REFRESH_SECONDS, which
  // also reconciles daily and takes the day's snapshot (the first tick runs once the server
  // listens, so a new day's export never delays start-up).
  // A tick that is still running (a day's snapshot at a million names takes a while) is not started
  // again beside itself; across processes the snapshot's lease keeps one build in flight.
  let ticking: Promise<void> | undefined;
  const refreshPublicList = () =>
    (ticking ??= publicListTick(database.db, letter.letterId, log)
      .catch((error: unknown) => log.error({ err: error }, "public list refresh failed"))
      .finally(() => (ticking = undefined)));
  const publicRefresh = duties ? setInterval(refreshPublicList, env.PUBLIC_REFRESH_SECONDS * 1000) : undefined;
  publicRefresh?.unref();

  // Delivery packs (decision 018): every 2 s the first process claims a pack that waits, or one
  // whose build stopped beating, and makes it; one at a time per process, never in a request. On
  // PostgreSQL a builder process of its own does (server/pack-builder.ts), started only when a
  // pack waits, so a build's memory never adds to this process's.
  let packing: Promise<void> | undefined;
  const nextPack = async () => {
    if (!env.DATABASE_URL) {
      const made = await runNextPack(database.db, env.APP_URL);
      if (made) log.info({ pack: made.id, outcome: made.outcome }, "delivery pack made");
      return;
    }
    if (!(await packWaiting(database.db))) return;
    const { made, timings, peakRssMb } = await buildPackInChild({ databaseUrl: env.DATABASE_URL, siteUrl: env.APP_URL });
    if (made) log.info({ pack: made.id, outcome: made.outcome, ...timings, builderPeakRssMb: Math.round(peakRssMb) }, "delivery pack made");
  };
  const makePacks = () =>
    (packing ??= nextPack()
      .catch((error: unknown) => log.error({ err: error }, "delivery pack failed"))
      .finally(() => (packing = undefined)));
  const delivery = duties ? setInterval(makePacks, 2000) : undefined;
  delivery?.unref();

  const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
  const { app, startDraining } = createApp({ build, database, env, log, letter, letters });

  const server = app.listen(env.PORT, env.HOST, () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : env.PORT;
    // In a cluster the primary logs "listening" once every process listens.
    if (inCluster) log.info({ startupMs: Date.now() - started }, "web process listening");
    else log.info({ url: listenUrl(env, port), startupMs: Date.now() - started, backend: database.backend }, "listening");
    if (duties) void refreshPublicList();
  });
  server.keepAliveTimeout = 5_000;
  // A primary that went away without stopping us (killed): stop as on SIGTERM.
  if (inCluster) process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));

  onShutdown(log, async () => {
    // Stop taking requests (a load balancer sees 503 on /healthz), let in-flight ones finish, then
    // let the worker finish the batches in hand, then close the database.
    startDraining();
    clearInterval(maintenance);
    clearInterval(publicRefresh);
    clearInterval(delivery);
    const force = setTimeout(() => {
      log.warn("shutdown timeout: closing remaining connections");
      server.closeAllConnections();
    }, env.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await worker?.stop();
    await database.close();
  });
}
