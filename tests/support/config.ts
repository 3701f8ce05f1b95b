/** The PostgreSQL server the suite runs against, or undefined for PGlite (the default). */
export const TEST_DATABASE_URL = process.env.DATABASE_URL?.trim() || undefined;

export function databaseUrlFor(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    /** PGlite: a file holding a dump of the migrated template database. */
    pgliteTemplateFile: string;
    /** PostgreSQL: the migrated template database that each test file clones. */
    postgresTemplate: string;
    runId: string;
    /** Browser tests: the folder of step screenshots (printed once per run). */
    screenshotDir: string;
  }
}
