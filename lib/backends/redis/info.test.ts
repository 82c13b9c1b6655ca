import { describe, expect, it } from "vitest";
import { infoToStats } from "./info";

const INFO = [
  "# Server",
  "redis_version:7.0.15",
  "uptime_in_seconds:1234",
  "",
  "# Memory",
  "used_memory:1048576",
  "used_memory_rss:2097152",
  "maxmemory:0",
  "maxmemory_policy:noeviction",
  "mem_fragmentation_ratio:2.00",
  "",
  "# Stats",
  "keyspace_hits:90",
  "keyspace_misses:10",
  "evicted_keys:3",
  "expired_keys:7",
  "",
  "# Keyspace",
  "db0:keys=5,expires=1,avg_ttl=1000",
  "db2:keys=42,expires=0,avg_ttl=0",
  "",
].join("\r\n");

describe("infoToStats", () => {
  it("maps INFO fields to ServerStats, items from the alias's db", () => {
    const s = infoToStats("h:1/2", INFO, 2);
    expect(s).toMatchObject({
      server: "h:1/2",
      ok: true,
      hits: 90,
      misses: 10,
      items: 42,
      bytes: 1048576,
      maxBytes: null,
      evictions: 3,
      expirations: 7,
      uptimeSeconds: 1234,
      version: "7.0.15",
    });
    expect(s.extra).toMatchObject({
      maxmemory_policy: "noeviction",
      mem_fragmentation_ratio: 2,
      keyspace: { db0: { keys: 5, expires: 1, avgTtlMs: 1000 }, db2: { keys: 42, expires: 0, avgTtlMs: 0 } },
    });
  });

  it("reports a maxmemory limit and an empty db as 0 items", () => {
    const s = infoToStats("h", INFO.replace("maxmemory:0", "maxmemory:100"), 9);
    expect(s.maxBytes).toBe(100);
    expect(s.items).toBe(0);
  });
});
