import { describe, expect, it } from "vitest";
import type { CounterBucketRead } from "@/lib/backends/types";
import { BucketCache, CLOSED_AFTER_S, OPEN_TTL_MS } from "./bucket-cache";
import { bucketsBetween } from "./format";
import { recordLine } from "./test-writer";

const enc = new TextEncoder();

describe("BucketCache", () => {
  it("reads closed buckets once, and the still-filling ones again after a moment", async () => {
    const cache = new BucketCache();
    const nowMs = 1_764_624_005_000;
    const buckets = bucketsBetween(nowMs / 1000 - 3600 + 10, nowMs / 1000);
    const asked: number[][] = [];
    const read = async (missing: number[]) => {
      asked.push(missing);
      const out = new Map<number, CounterBucketRead>();
      for (const b of missing) out.set(b, { bytes: enc.encode(recordLine("default", { a: { k: "key", h: 1 } }, b + 1)), cut: false });
      return out;
    };
    const first = await cache.get("src", "default", buckets, nowMs, read);
    expect(first).toHaveLength(360);
    expect(first.every((b) => b.namespaces.get("a")?.hits === 1)).toBe(true);
    expect(asked[0]).toHaveLength(360);

    await cache.get("src", "default", buckets, nowMs + 500, read);
    expect(asked).toHaveLength(1);

    await cache.get("src", "default", buckets, nowMs + OPEN_TTL_MS, read);
    // Open: the current bucket and those within 10 s + the slack of it.
    const open = Math.ceil((CLOSED_AFTER_S + 10) / 10);
    expect(asked[1]).toHaveLength(open);
    expect(asked[1].at(-1)).toBe(buckets.at(-1));

    // Another alias, or another store, is another bucket.
    await cache.get("src", "other", buckets.slice(0, 3), nowMs, read);
    expect(asked[2]).toHaveLength(3);
  });

  it("forgets buckets past the 3 hours they live", async () => {
    const cache = new BucketCache();
    const read = async () => new Map<number, CounterBucketRead>();
    await cache.get("s", "a", [1000], 1_000_000, read);
    await cache.get("s", "a", [1000], 1_000_000 + 4 * 3600 * 1000, read);
    expect(cache.reads).toBe(2);
  });
});
