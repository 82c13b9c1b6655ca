import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { decodeEntry } from "../decode";
import { decodeHintFor } from "@/lib/backends/registry";
import type { DecodeHint } from "../types";
import { DecodePool } from "./pool";
import { memoStrTupleSet } from "@/test/bombs";

/** The pool with real worker threads: limits end workers, new ones take their place, every decode answers. */

const shared = process.env.CACHESCOPE_SHARED ?? path.resolve(process.cwd(), "../shared");
const vectors = JSON.parse(fs.readFileSync(path.join(shared, "vectors", "vectors.json"), "utf8")) as {
  id: string;
  backend: string;
  options: Record<string, unknown>;
  bytesBase64: string;
  flags?: number;
}[];

const pickle: DecodeHint = { source: "redis-builtin" };
const zlibPickle: DecodeHint = { source: "django-redis", serializer: "pickle", compressor: "zlib" };
/** About a second of decoding (200,000 distinct tuples in a set), for the time limit and the queue. */
const slow = new Uint8Array(memoStrTupleSet(1 << 20, 200_000));
/** A list of 3,000,000 small ints: 6 MB of opcodes, far more than a 48 MiB heap once parsed. */
const huge = new Uint8Array(
  zlib.deflateSync(Buffer.concat([Buffer.from([0x80, 0x04, 0x5d, 0x28]), Buffer.alloc(6_000_000, "K\x07"), Buffer.from("e.")])),
);

const pools: DecodePool[] = [];
function pool(options: ConstructorParameters<typeof DecodePool>[0]): DecodePool {
  const p = new DecodePool(options);
  pools.push(p);
  return p;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

/** A worker that misbehaves on request ("exit", "throw"), and otherwise answers the text it was sent. */
const MISBEHAVING = `
const { parentPort } = require("node:worker_threads");
parentPort.on("message", (req) => {
  const text = Buffer.from(req.bytes).toString("latin1");
  if (text.endsWith("exit")) process.exit(3);
  if (text === "throw") throw new Error("boom");
  parentPort.postMessage({ id: req.id, entry: { encoding: { format: "text", compression: null }, value: { type: "str", value: text }, truncated: false } });
});`;
const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("decode pool", () => {
  it("decodes the shared vectors on worker threads exactly as in process", { timeout: 60_000 }, async () => {
    const p = pool({ size: 2 });
    const sample = vectors.filter((_, i) => i % 7 === 0);
    await Promise.all(
      sample.map(async (v) => {
        const hint = decodeHintFor(v.backend, v.options, v.flags) as DecodeHint;
        const data = new Uint8Array(Buffer.from(v.bytesBase64, "base64"));
        expect(await p.decode(data, hint), v.id).toStrictEqual(decodeEntry(data, hint));
      }),
    );
    expect(p.stats.replaced).toBe(0);
  });

  it("ends a decode past its time limit, names the limit, and replaces the worker", { timeout: 60_000 }, async () => {
    const p = pool({ size: 1, timeoutMs: 100 });
    const started = performance.now();
    const got = await p.decode(slow, pickle);
    const took = performance.now() - started;
    console.log(`time limit 100 ms: answered after ${took.toFixed(0)} ms`);
    expect(got.value).toBeNull();
    expect(got.limit?.kind).toBe("time");
    expect(got.error).toMatch(/^undecodable: time limit/);
    expect(p.stats.replaced).toBe(1);
    // The next decode gets a new worker and works.
    expect((await p.decode(bytes("\x80\x04K\x2a."), pickle)).value).toStrictEqual({ type: "int", value: "42" });
  });

  it("ends a worker that runs out of heap, names the memory limit, and replaces it", { timeout: 60_000 }, async () => {
    const p = pool({ size: 1, heapMb: 48, timeoutMs: 20_000 });
    const started = performance.now();
    const got = await p.decode(huge, zlibPickle);
    console.log(`memory limit 48 MiB: answered after ${(performance.now() - started).toFixed(0)} ms: ${got.error}`);
    expect(got.value).toBeNull();
    expect(got.limit?.kind).toBe("memory");
    expect(p.stats.replaced).toBe(1);
    expect((await p.decode(bytes("\x80\x04K\x2a."), pickle)).value).toStrictEqual({ type: "int", value: "42" });
  });

  it("answers busy at once when the queue is full", { timeout: 60_000 }, async () => {
    const p = pool({ size: 1, maxQueue: 2, timeoutMs: 10_000 });
    const running = p.decode(slow, pickle);
    const queued = [p.decode(bytes("N."), pickle), p.decode(bytes("N."), pickle)];
    const refused = await p.decode(bytes("N."), pickle);
    expect(refused.limit?.kind).toBe("busy");
    expect(refused.error).toMatch(/^undecodable: busy/);
    for (const q of await Promise.all(queued)) expect(q.value).toStrictEqual({ type: "none" });
    expect((await running).error).toBeUndefined();
  });

  it("answers an error, not a hang, when a worker exits or throws, and goes on with a new one", { timeout: 30_000 }, async () => {
    const p = pool({ size: 1, timeoutMs: 10_000, spawn: (options) => new Worker(MISBEHAVING, { ...options, eval: true }) });
    const exited = await p.decode(bytes("exit"), pickle);
    expect(exited.value).toBeNull();
    expect(exited.error).toMatch(/exited \(code 3\)/);
    const threw = await p.decode(bytes("throw"), pickle);
    expect(threw.error).toMatch(/crashed: boom/);
    expect((await p.decode(bytes("fine"), pickle)).value).toStrictEqual({ type: "str", value: "fine" });
    expect(p.stats.replaced).toBe(2);
  });

  it("keeps a FileBasedCache expiry in an answer without a decode", async () => {
    const p = pool({ size: 1, timeoutMs: 10_000, spawn: (options) => new Worker(MISBEHAVING, { ...options, eval: true }) });
    const file = Buffer.concat([
      Buffer.from([0x80, 0x04, 0x47]),
      Buffer.from([0x41, 0xd9, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]),
      Buffer.from("."),
      Buffer.from("exit"),
    ]);
    const got = await p.decode(new Uint8Array(file), { source: "filebased" });
    expect(got.error).toMatch(/exited/);
    expect(got.fileExpiry).toBe(1677721600);
  });

  it("leaves the caller's bytes intact (a Node Buffer view is copied, not transferred)", async () => {
    const p = pool({ size: 1 });
    const backing = Buffer.from("xx\x80\x04K\x2a.yy", "latin1");
    const view = backing.subarray(2, 7);
    expect((await p.decode(view, pickle)).value).toStrictEqual({ type: "int", value: "42" });
    expect(backing.toString("latin1")).toBe("xx\x80\x04K\x2a.yy");
  });

  it("answers closed after close()", async () => {
    const p = pool({ size: 1 });
    await p.close();
    expect((await p.decode(bytes("N."), pickle)).error).toMatch(/closed/);
  });
});
