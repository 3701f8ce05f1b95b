import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";

export interface ServerProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** Resolves with the URL once the server logs that it listens; rejects if it exits first. */
  listening: Promise<string>;
}

/** Runs `server/main.ts` as `npm start` does (after the build), with only the given variables. */
export function spawnServer(env: Record<string, string>, nodeArgs: string[] = []): ServerProcess {
  return spawnNode("server/main.ts", env, nodeArgs);
}

/** Runs a TypeScript entry point (server/main.ts, server/worker.ts) with only the given variables (and Node options: a benchmark's --cpu-prof). */
export function spawnNode(script: string, env: Record<string, string>, nodeArgs: string[] = []): ServerProcess {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script], {
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  // "close", not "exit": the process may exit before its last log lines are read from the pipe.
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      for (const line of out.split("\n")) {
        if (!line.includes('"msg":"listening"')) continue;
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening:\n${err}${out}`)));
  });
  listening.catch(() => {});
  return { child, stdout: () => out, stderr: () => err, exited, listening };
}
