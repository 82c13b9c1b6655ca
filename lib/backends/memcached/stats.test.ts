import { describe, expect, it } from "vitest";
import { serverStats, slabClasses } from "./stats";

const map = (entries: Record<string, string>) => new Map(Object.entries(entries));

describe("memcached stats", () => {
  // Field names as memcached 1.6.18 prints them (stats slabs / stats items).
  const slabs = map({
    "1:chunk_size": "96",
    "1:used_chunks": "10",
    "1:free_chunks": "10912",
    "1:total_pages": "1",
    "5:chunk_size": "240",
    "5:used_chunks": "2",
    "5:free_chunks": "4367",
    "5:total_pages": "1",
    active_slabs: "2",
    total_malloced: "2097152",
  });
  const items = map({
    "items:1:number": "10",
    "items:1:mem_requested": "720",
    "items:5:number": "2",
    "items:5:mem_requested": "480",
    "items:5:evicted_unfetched": "7",
    "items:5:expired_unfetched": "3",
  });

  it("reads slab classes with the memory lost to chunk rounding", () => {
    expect(slabClasses(slabs, items)).toEqual([
      {
        slabClass: 1,
        chunkSize: 96,
        items: 10,
        usedChunks: 10,
        freeChunks: 10912,
        totalPages: 1,
        memRequested: 720,
        memUsed: 960,
        fragmentation: 0.25,
        evictedUnfetched: 0,
        expiredUnfetched: 0,
      },
      {
        slabClass: 5,
        chunkSize: 240,
        items: 2,
        usedChunks: 2,
        freeChunks: 4367,
        totalPages: 1,
        memRequested: 480,
        memUsed: 480,
        fragmentation: 0,
        evictedUnfetched: 7,
        expiredUnfetched: 3,
      },
    ]);
  });

  it("maps the general counters and adds the slab figures and item_size_max", () => {
    const general = map({
      get_hits: "7",
      get_misses: "3",
      curr_items: "12",
      bytes: "1200",
      limit_maxbytes: "67108864",
      evictions: "0",
      uptime: "42",
      version: "1.6.18",
      expired_unfetched: "1",
    });
    const s = serverStats("a:1", general, slabs, items, map({ item_size_max: "1048576" }));
    expect(s).toMatchObject({
      server: "a:1",
      ok: true,
      hits: 7,
      misses: 3,
      items: 12,
      bytes: 1200,
      maxBytes: 67108864,
      evictions: 0,
      uptimeSeconds: 42,
      version: "1.6.18",
    });
    expect(s.extra).toMatchObject({ itemSizeMax: 1048576, expiredUnfetched: 1, totalMalloced: 2097152, fragmentation: 1 - 1200 / 1440 });
  });
});
