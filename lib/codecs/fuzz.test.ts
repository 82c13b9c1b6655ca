import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { BOMBS } from "@/test/bombs";
import { decodeEntry } from "./decode";
import { decodeHintFor } from "@/lib/backends/registry";
import type { DecodeHint } from "./types";
import { seededRandom } from "@/lib/random";

/**
 * Fuzzing the decoder with mutated real values (shared/vectors): bit flips, truncations, splices of two vectors,
 * repeated chunks and injected memo references, also under zlib so mutations reach the pickle inside. Every case
 * must end in a value or an "undecodable" error; the worst time and memory are measured and printed.
 */

interface Vector {
  id: string;
  backend: string;
  options: Record<string, unknown>;
  bytesBase64: string;
  flags?: number;
}

const shared = process.env.CACHESCOPE_SHARED ?? path.resolve(process.cwd(), "../shared");
const vectors = JSON.parse(fs.readFileSync(path.join(shared, "vectors", "vectors.json"), "utf8")) as Vector[];

const CASES = 4000;
const MUTATIONS = ["bit flips", "truncation", "splice", "repeat a chunk", "memo GETs"] as const;

function mutate(src: Uint8Array, other: Uint8Array, rand: () => number, kind: (typeof MUTATIONS)[number]): Uint8Array {
  const b = Buffer.from(src);
  const at = (n: number) => Math.floor(rand() * n);
  switch (kind) {
    case "bit flips": {
      for (let i = 0, n = 1 + at(8); i < n && b.length > 0; i++) b[at(b.length)] ^= 1 << at(8);
      return new Uint8Array(b);
    }
    case "truncation":
      return new Uint8Array(b.subarray(0, at(b.length + 1)));
    case "splice":
      return new Uint8Array(Buffer.concat([b.subarray(0, at(b.length + 1)), Buffer.from(other).subarray(at(other.length + 1))]));
    case "repeat a chunk": {
      const start = at(b.length + 1);
      const chunk = b.subarray(start, start + 1 + at(64));
      return new Uint8Array(Buffer.concat([b.subarray(0, start), ...Array.from({ length: 1 + at(200) }, () => chunk), b.subarray(start)]));
    }
    case "memo GETs": {
      // BINGET of low memo slots, many times, at a random place: shared references where there were none.
      const start = at(b.length + 1);
      const gets = Buffer.concat(Array.from({ length: 1 + at(2000) }, () => Buffer.from([0x68, at(4)])));
      return new Uint8Array(Buffer.concat([b.subarray(0, start), gets, b.subarray(start)]));
    }
  }
}

/** The pickle inside a zlib-compressed django-redis value, mutated, then compressed again. */
function inflated(bytes: Uint8Array): Uint8Array | null {
  try {
    return new Uint8Array(zlib.inflateSync(bytes));
  } catch {
    return null;
  }
}

interface Worst {
  ms: number;
  label: string;
}

describe("fuzzing the decoder with mutated shared/vectors", () => {
  it(`${CASES} cases end in a value or an error, within time and memory`, { timeout: 600_000 }, () => {
    const rand = seededRandom(20260510);
    const usable: { v: Vector; hint: DecodeHint; bytes: Uint8Array }[] = [];
    for (const v of vectors) {
      const hint = decodeHintFor(v.backend, v.options, v.flags);
      if (hint !== null) usable.push({ v, hint, bytes: new Uint8Array(Buffer.from(v.bytesBase64, "base64")) });
    }
    const counts = { value: 0, error: 0, truncated: 0, limit: 0 };
    const worst: Worst = { ms: 0, label: "" };
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    let totalMs = 0;
    for (let i = 0; i < CASES; i++) {
      const a = usable[Math.floor(rand() * usable.length)];
      const b = usable[Math.floor(rand() * usable.length)];
      const kind = MUTATIONS[i % MUTATIONS.length];
      let bytes = mutate(a.bytes, b.bytes, rand, kind);
      let hint = a.hint;
      // Every fourth case mutates the pickle under zlib instead, so the mutation survives decompression.
      if (i % 4 === 3) {
        const inner = a.bytes[0] === 0x78 ? inflated(a.bytes) : a.bytes;
        if (inner !== null) {
          bytes = new Uint8Array(zlib.deflateSync(mutate(inner, b.bytes, rand, kind)));
          hint = { source: "django-redis", serializer: "pickle", compressor: "zlib" };
        }
      }
      const label = `case ${i}: ${kind} of ${a.v.id}${kind === "splice" ? ` + ${b.v.id}` : ""} (${hint.source})`;
      const started = performance.now();
      const got = decodeEntry(bytes, hint);
      const ms = performance.now() - started;
      totalMs += ms;
      if (ms > worst.ms) Object.assign(worst, { ms, label });
      if (got.value === null) {
        expect(got.error, label).toMatch(/^undecodable: /);
        counts.error++;
      } else {
        expect(got.error, label).toBeUndefined();
        counts.value++;
      }
      if (got.truncated) counts.truncated++;
      if (got.limit) counts.limit++;
      if (i % 100 === 0) rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const growth = (rssPeak - rssBefore) / 2 ** 20;
    console.log(
      `fuzz: ${CASES} cases, ${counts.value} values (${counts.truncated} cut), ${counts.error} errors, ${counts.limit} naming a limit; ` +
        `total ${totalMs.toFixed(0)} ms, worst ${worst.ms.toFixed(1)} ms (${worst.label}); RSS growth at most ${growth.toFixed(0)} MiB`,
    );
    expect(counts.value).toBeGreaterThan(CASES / 10);
    expect(counts.error).toBeGreaterThan(CASES / 10);
    // Generous: a case takes a few ms; a loaded 2-core machine must not fail this, a quadratic blow-up must.
    expect(worst.ms).toBeLessThan(2000);
    expect(growth).toBeLessThan(512);
  });

  it("mutated bombs stay within the limits too", { timeout: 600_000 }, () => {
    const rand = seededRandom(7);
    const bombs = Object.entries(BOMBS).map(([name, make]) => ({ name, bytes: new Uint8Array(make()) }));
    const worst: Worst = { ms: 0, label: "" };
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    for (let i = 0; i < 60; i++) {
      const a = bombs[i % bombs.length];
      const b = bombs[Math.floor(rand() * bombs.length)];
      const kind = MUTATIONS[Math.floor(rand() * MUTATIONS.length)];
      const bytes = mutate(a.bytes, b.bytes, rand, kind);
      const started = performance.now();
      const got = decodeEntry(bytes, { source: "redis-builtin" });
      const ms = performance.now() - started;
      if (ms > worst.ms) Object.assign(worst, { ms, label: `${kind} of ${a.name}` });
      if (got.value === null) expect(got.error).toMatch(/^undecodable: /);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }
    const growth = (rssPeak - rssBefore) / 2 ** 20;
    console.log(`fuzz bombs: 60 cases, worst ${worst.ms.toFixed(0)} ms (${worst.label}); RSS growth at most ${growth.toFixed(0)} MiB`);
    expect(worst.ms).toBeLessThan(10_000);
    expect(growth).toBeLessThan(1024);
  });
});
