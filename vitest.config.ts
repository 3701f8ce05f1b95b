import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    include: ["tests/**/*.test.{ts,tsx}"],
    // The fault tests restart databases and kill processes: `npm run test:faults` runs them on their own.
    exclude: ["**/node_modules/**", "tests/faults/**"],
    globalSetup: ["tests/support/global-setup.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests talk to a real database and real processes; a failure should say so, not be retried away.
    retry: 0,
  },
});
