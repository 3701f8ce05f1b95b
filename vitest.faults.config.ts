import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm run test:faults`: only tests/faults, one file at a time (each runs its own load, processes and
// databases, so it needs none of the suite's template databases).
export default defineConfig({
  resolve: { alias: { "~": path.resolve(import.meta.dirname, "app") } },
  test: {
    include: ["tests/faults/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 60_000,
    retry: 0,
  },
});
