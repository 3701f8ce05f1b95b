// npm run outbox:status            counts by state, queue lag, the latest dead letters
// npm run outbox:retry-dead [-- ID …]  queue dead letters again (all of them, or the given ids)
import { listDeadLetters, outboxStatus, retryDeadLetters } from "../app/domain/outbox/status.server";
import { parseEnv } from "../app/utils/env.server";
import { openDatabase } from "../db/client";

const [command, ...args] = process.argv.slice(2);
const env = parseEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 1, dataDir: env.DATA_DIR });
try {
  if (command === "status") {
    const status = await outboxStatus(database.db);
    console.log("emails by state:");
    for (const [state, n] of Object.entries(status.byState)) console.log(`  ${state.padEnd(11)} ${n}`);
    console.log(`waiting: ${status.waiting}, oldest waiting for ${status.oldestWaitingSeconds} s`);
    const dead = await listDeadLetters(database.db);
    if (dead.length > 0) {
      console.log("latest dead letters (retry with npm run outbox:retry-dead -- ID):");
      for (const d of dead) console.log(`  #${d.id} ${d.template} ${d.dead_at?.toISOString()} ${d.last_error}`);
    }
  } else if (command === "retry-dead") {
    if (args.some((a) => !/^\d+$/.test(a))) throw new Error("ids are whole numbers: npm run outbox:retry-dead -- 12 13");
    const n = await retryDeadLetters(database.db, args.length > 0 ? args : undefined);
    console.log(`queued ${n} dead letter(s) again`);
  } else {
    console.error("usage: tsx scripts/outbox.ts status | retry-dead [ID …]");
    process.exitCode = 2;
  }
} finally {
  await database.close();
}
