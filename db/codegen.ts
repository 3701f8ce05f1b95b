// npm run db:codegen — migrates a scratch in-memory database and writes db/schema.ts from it.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openPglite } from "./client";
import { generateSchemaSource } from "./introspect";
import { migrateToLatest } from "./migrator";

const database = await openPglite({});
try {
  await migrateToLatest(database.db);
  const target = path.join(path.dirname(fileURLToPath(import.meta.url)), "schema.ts");
  writeFileSync(target, await generateSchemaSource(database.db));
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
} finally {
  await database.close();
}
