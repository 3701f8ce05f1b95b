// npm run db:seed — registers the letter text in content/ as the version in force.
import { CURRENT_LETTER, readLetterFile, registerLetterVersion } from "../app/domain/letter/letter.server";
import { parseEnv } from "../app/utils/env.server";
import { openDatabase } from "../db/client";

const env = parseEnv();
const database = await openDatabase({ databaseUrl: env.DATABASE_URL, poolSize: 1, dataDir: env.DATA_DIR });
try {
  const version = await registerLetterVersion(database.db, CURRENT_LETTER.slug, await readLetterFile());
  console.log(`letter ${version.slug} in force: ${version.sha256}`);
} finally {
  await database.close();
}
