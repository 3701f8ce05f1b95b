// The web process (`npm start`): configuration, database, migrations, the letter, the email
// worker (unless OUTBOX_WORKER=off), then HTTP.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { CURRENT_LETTER, readLetterFile, registerLetterVersion } from "../app/domain/letter/letter.server";
import { pruneRateLimits } from "../app/domain/abuse/rate-limit.server";
import { sendQueueDigest } from "../app/domain/moderation/digest.server";
import { sendRosterReminders } from "../app/domain/labels/roster.server";
import { publicListTick } from "../app/domain/public-list/maintenance.server";
import { refreshRollup } from "../app/domain/public-list/rollup.server";
import { workerFor } from "../app/domain/outbox/runtime.server";
import { createApp } from "./app";
import { boot, onShutdown } from "./boot";

const started = Date.now();
const { env, log, database } = await boot();

const letter = await registerLetterVersion(database.db, CURRENT_LETTER.slug, await readLetterFile());
log.info({ letter: letter.slug, sha256: letter.sha256 }, "letter version in force");

const worker = env.OUTBOX_WORKER === "on" ? workerFor(env, database.db, log) : undefined;
worker?.start();

// Housekeeping every 10 minutes, safe in any number of processes: old rate-limit windows pruned,
// and the moderators' digest sent when the queue is old (a shared counter sends it once).
const maintenance = setInterval(() => {
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
}, 600_000);
maintenance.unref();

// The public counts: refreshed before serving, then every PUBLIC_REFRESH_SECONDS, which also
// reconciles daily and takes the day's snapshot (the first tick runs once the server listens, so a
// new day's export never delays start-up).
// A tick that is still running (a day's snapshot at a million names takes a while) is not started
// again beside itself; across processes the snapshot's lease keeps one build in flight.
let ticking: Promise<void> | undefined;
const refreshPublicList = () =>
  (ticking ??= publicListTick(database.db, letter.letterId, log)
    .catch((error: unknown) => log.error({ err: error }, "public list refresh failed"))
    .finally(() => (ticking = undefined)));
await refreshRollup(database.db, letter.letterId);
const publicRefresh = setInterval(refreshPublicList, env.PUBLIC_REFRESH_SECONDS * 1000);
publicRefresh.unref();

const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
const { app, startDraining } = createApp({ build, database, env, log, letter });

const server = app.listen(env.PORT, env.HOST, () => {
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const host = env.HOST === "0.0.0.0" ? "localhost" : env.HOST;
  log.info({ url: `http://${host}:${port}`, startupMs: Date.now() - started, backend: database.backend }, "listening");
  void refreshPublicList();
});
server.keepAliveTimeout = 5_000;

onShutdown(log, async () => {
  // Stop taking requests (a load balancer sees 503 on /healthz), let in-flight ones finish, then
  // let the worker finish the batches in hand, then close the database.
  startDraining();
  clearInterval(maintenance);
  clearInterval(publicRefresh);
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
