// `npm run worker`: the email worker on its own, for running it apart from the web processes.
// Several may run against one PostgreSQL; claims are row locks, the rate limit is a shared row.
import { workerFor } from "../app/domain/outbox/runtime.server";
import { boot, onShutdown } from "./boot";

const { env, log, database } = await boot();
const worker = workerFor(env, database.db, log);
worker.start();
onShutdown(log, async () => {
  await worker.stop();
  await database.close();
});
