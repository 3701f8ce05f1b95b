import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAfterCall, renderCache } from "../../server/render-cache";

// The cache's own rules, in front of a stand-in app whose renders are counted.
let clock = 1_000_000;
let tag = "1.0";
let rendered = 0;
const cache = renderCache({ ttlSeconds: 5, readTag: async () => tag, version: "test", stable: {}, maxEntries: 2, now: () => clock });
const app = express();
app.set("etag", false); // as behind Remix, which sets none
app.use((_req, res, next) => {
  res.locals.nonce = `nonce${Math.random().toString(36).slice(2)}`;
  next();
});
app.use(cache.middleware);
app.get("/page/:n", (req, res) => {
  rendered++;
  res
    .set("Cache-Control", "public, max-age=0")
    .type("html")
    .send(`<script nonce="${String(res.locals.nonce)}">page ${req.params.n}</script>`);
});
app.get("/cookie", (_req, res) => {
  rendered++;
  res.set("Cache-Control", "public, max-age=0").cookie("flash", "hello").send("with a cookie");
});
let base = "";
let server: ReturnType<typeof app.listen>;
beforeAll(async () => {
  server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const renders = async (path: string, headers: Record<string, string> = {}) => {
  const before = rendered;
  const res = await fetch(`${base}${path}`, { headers });
  await res.text();
  return rendered - before;
};

describe("renderCache", () => {
  it("never stores an answer that sets a cookie", async () => {
    expect(await renders("/cookie")).toBe(1);
    expect(await renders("/cookie")).toBe(1);
  });

  it("never answers a request that carries a cookie from the cache", async () => {
    expect(await renders("/page/1")).toBe(1);
    expect(await renders("/page/1")).toBe(0);
    expect(await renders("/page/1", { Cookie: "countersign_session=abc" })).toBe(1);
  });

  it("renders again after the TTL, or as soon as the list's tag moves", async () => {
    expect(await renders("/page/2")).toBe(1);
    clock += 4_999;
    expect(await renders("/page/2")).toBe(0);
    clock += 1;
    expect(await renders("/page/2")).toBe(1);
    tag = "1.1";
    expect(await renders("/page/2")).toBe(1);
    expect(await renders("/page/2")).toBe(0);
  });

  it("keeps at most maxEntries answers, dropping the least recently used", async () => {
    tag = "2.0";
    for (const n of [3, 4]) expect(await renders(`/page/${n}`)).toBe(1);
    expect(await renders("/page/3")).toBe(0); // 3 is now the most recent
    expect(await renders("/page/5")).toBe(1); // evicts 4
    expect(cache.stats().entries).toBe(2);
    expect(await renders("/page/3")).toBe(0);
    expect(await renders("/page/4")).toBe(1);
  });
});

describe("readAfterCall", () => {
  it("shares one read among calls that arrive together, and never answers a call with a read sent before it", async () => {
    // A stand-in database value and a read whose answer is what the value was when the read started.
    let value = 0;
    let reads = 0;
    const pending: (() => void)[] = [];
    const read = () => {
      reads++;
      const seen = value;
      return new Promise<number>((resolve) => pending.push(() => resolve(seen)));
    };
    const shared = readAfterCall(read);
    const first = shared(); // starts read 1 (sees 0)
    value = 1; // a withdrawal commits while read 1 is in flight
    const later = [shared(), shared(), shared()]; // queued: must see 1, not read 1's 0
    expect(reads).toBe(1);
    pending.shift()!();
    expect(await first).toBe(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(reads).toBe(2); // one read for the three that waited
    pending.shift()!();
    expect(await Promise.all(later)).toEqual([1, 1, 1]);
  });

  it("a failed read fails its callers, and the next call reads again", async () => {
    let fail = true;
    const shared = readAfterCall(async () => {
      if (fail) throw new Error("database away");
      return "ok";
    });
    await expect(shared()).rejects.toThrow("database away");
    fail = false;
    expect(await shared()).toBe("ok");
  });
});
