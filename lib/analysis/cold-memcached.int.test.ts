import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
import type { MemcachedExtra } from "@/lib/backends/memcached/stats";
import type { CacheBackend, KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { listKeys } from "@/lib/browse/list-keys";
import { analyse } from "./run";

/**
 * Cold figures on two real memcached servers (ports 11481-11482) written and partly read by a real Django 3.2
 * (PyMemcacheCache): never-read items counted exactly per namespace, from the servers' own fetch flags.
 */

const run = promisify(execFile);
const SCRIPT = join(__dirname, "../../test/django-cold/djcold.py");
const PORTS = [11481, 11482];

const NAMESPACES = {
  news: { keys: 40, read: 15 },
  reports: { keys: 12, read: 0, forever: true },
  users: { keys: 30, read: 30 },
};

function config(locations: string[]): CacheConfig {
  return {
    alias: "cold",
    backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
    locations,
    keyPrefix: "cold",
    version: 1,
    options: {},
    timeout: 300,
  };
}

describe("memcached cold figures, written and read by Django", () => {
  const servers: MemcachedServerHandle[] = [];
  let backend: CacheBackend;
  let rawKeys: Record<string, string[]>;

  beforeAll(async () => {
    for (const port of PORTS) servers.push(await startMemcached({ port }));
    const locations = servers.map((s) => s.location);
    const { stdout } = await run("/usr/bin/python3", [
      SCRIPT,
      JSON.stringify({ servers: locations, prefix: "cold", namespaces: NAMESPACES }),
    ]);
    rawKeys = (JSON.parse(stdout) as { rawKeys: Record<string, string[]> }).rawKeys;
    backend = memcachedDescriptor.create(config(locations));
  }, 60_000);

  afterAll(async () => {
    await backend?.close();
    for (const s of servers) await s.stop();
  });

  it("counts never-fetched items and bytes exactly per namespace, and entries that never expire", async () => {
    const r = await analyse(backend, config(servers.map((s) => s.location)));
    expect(r.cold.basis).toBe("fetched");
    // Item sizes as the servers list them, to check bytes against.
    const sizes = new Map<string, number>();
    for await (const rows of backend.iterate({ prefix: "cold:", batch: 1000, withSizes: true })) {
      for (const row of rows as KeyRow[]) sizes.set(row.raw ?? "", row.size ?? 0);
    }
    const bytesOf = (keys: string[]) => keys.reduce((a, k) => a + (sizes.get(k) ?? Number.NaN), 0);

    const byName = new Map(r.cold.namespaces.map((n) => [n.name, n]));
    for (const [name, spec] of Object.entries(NAMESPACES)) {
      const unread = rawKeys[name].slice(spec.read);
      const ns = byName.get(name);
      expect(ns, name).toBeDefined();
      expect(ns?.keys, name).toBe(spec.keys);
      expect(ns?.neverRead, name).toEqual({ keys: unread.length, bytes: bytesOf(unread) });
      // Just written: nothing idle an hour yet.
      expect(ns?.idleOver1h, name).toEqual({ keys: 0, bytes: 0 });
      const forever = "forever" in spec && spec.forever ? rawKeys[name] : [];
      expect(ns?.noExpiry, name).toEqual({ keys: forever.length, bytes: bytesOf(forever) });
    }
    // Every item was touched seconds ago: all idle times fall in the first buckets.
    const buckets = r.cold.histogram?.buckets ?? [];
    expect(buckets.filter((b) => b.le !== null && b.le <= 60).reduce((a, b) => a + b.count, 0)).toBe(r.keys);
    // The biggest cold entries are the never-read ones, named by their Django key.
    expect(r.cold.top.length).toBe(40 - 15 + 12);
    expect(r.cold.top.every((t) => t.fetched === false && t.key !== null && !t.key.startsWith("users:"))).toBe(true);
    expect(r.warnings.map((w) => w.message)).toContain(`100% of \`reports\` bytes were never read (12 entries).`);
    expect(r.warnings.some((w) => w.message.includes("`users`"))).toBe(false);
  });

  it("lists only the entries that never expire with noExpiry, page after page", async () => {
    const cfg = config(servers.map((s) => s.location));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await listKeys(backend, cfg, { prefix: "", cursor, count: 5, allVersions: false, raw: false, noExpiry: true });
      seen.push(...page.keys.map((k) => k.raw ?? ""));
      cursor = page.cursor;
    } while (cursor !== null);
    expect(seen.sort()).toEqual([...rawKeys.reports].sort());
  });

  it("reports evicted and expired unfetched items per slab class", async () => {
    const snap = await backend.stats();
    for (const s of snap.servers) {
      const extra = s.extra as MemcachedExtra;
      expect(extra.slabs.length).toBeGreaterThan(0);
      for (const cls of extra.slabs) {
        expect(cls.evictedUnfetched).toBe(0);
        expect(cls.expiredUnfetched).toBe(0);
      }
    }
  });
});
