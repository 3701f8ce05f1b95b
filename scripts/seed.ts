// npm run db:seed — registers the letter's texts in content/ (one per language) as the versions in force.
import { registerLetterFiles } from "../app/domain/letter/letter.server";
import { parseEnv } from "../app/utils/env.server";
import { openDatabase } from "../db/client";

const env = parseEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 1, dataDir: env.DATA_DIR });
try {
  for (const version of Object.values(await registerLetterFiles(database.db))) {
    console.log(`letter ${version.slug} (${version.language}) in force: ${version.sha256}`);
  }
} finally {
  await database.close();
}
