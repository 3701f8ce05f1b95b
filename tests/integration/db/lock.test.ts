import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DataDirLockedError, acquireDirLock } from "../../../db/lock";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "countersign-lock-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the embedded database's single-owner lock", () => {
  it("is taken by the first owner and refused to a second while the first lives", () => {
    const dir = tempDir();
    const lock = acquireDirLock(dir);
    expect(readFileSync(lock.file, "utf8")).toBe(String(process.pid));
    expect(() => acquireDirLock(dir)).toThrow(DataDirLockedError);
    expect(() => acquireDirLock(dir)).toThrow(/already open in another process \(PID \d+\)/);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    acquireDirLock(dir).release();
  });

  it("is taken over from an owner that died without releasing it", () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    writeFileSync(path.join(dir, "owner.lock"), dead.stdout);
    const lock = acquireDirLock(dir);
    expect(readFileSync(lock.file, "utf8")).toBe(String(process.pid));
    lock.release();
  });

  it("makes a second process that opens the same folder stop with a clear message", async () => {
    const dir = tempDir();
    const lock = acquireDirLock(dir);
    try {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "-e",
          `import("./db/client.ts").then((m) => m.openPglite({ dataDir: ${JSON.stringify(dir)} })).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); })`,
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).toBe(3);
      expect(stderr).toContain(`The embedded database in ${dir} is already open in another process (PID ${process.pid})`);
      // The refused process left the owner's lock alone.
      expect(readFileSync(lock.file, "utf8")).toBe(String(process.pid));
    } finally {
      lock.release();
    }
  });
});
