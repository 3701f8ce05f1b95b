// npm run user -- add <email> --role admin|moderator   (creates the first admin, or any account)
import { z } from "zod";
import { AccountRuleError, addUser } from "../app/domain/auth/users.server";
import { parseEnv } from "../app/utils/env.server";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrator";

const [command, email, flag, role] = process.argv.slice(2);
const valid = command === "add" && z.email().safeParse(email).success && flag === "--role" && (role === "admin" || role === "moderator");
if (!valid) {
  console.error("usage: npm run user -- add <email> --role admin|moderator");
  process.exit(2);
}
const env = parseEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 1, dataDir: env.DATA_DIR });
try {
  await migrateToLatest(database.db);
  const { created } = await addUser(database.db, email!, role as "admin" | "moderator");
  console.log(`${created ? "created" : "updated"} ${role} ${email}; sign in at ${env.APP_URL}/admin/login`);
} catch (error) {
  if (!(error instanceof AccountRuleError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await database.close();
}
