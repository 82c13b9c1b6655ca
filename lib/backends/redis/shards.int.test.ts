import { execFileSync } from "node:child_process";
import { join } from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEntry } from "@/lib/codecs/decode";
import type { CacheConfig } from "@/lib/config/types";
import { planFor } from "@/lib/invalidate/plan";
import { execute } from "@/lib/invalidate/run";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import type { CacheBackend, KeyRow } from "@/lib/backends/types";

/** django-redis ShardClient over two real Redis servers, written by a real Django: every shard listed, read, purged. */

const PORTS = [6372, 6373];
const SCRIPT = join(__dirname, "../../../test/django-redis/djshard.py");
const COUNT = 60;

function config(ports = PORTS): CacheConfig {
  return {
    alias: "shards",
    backendPath: "django_redis.cache.RedisCache",
    locations: ports.map((p) => `redis://127.0.0.1:${p}/0`),
    keyPrefix: "shard",
    version: 1,
    options: { CLIENT_CLASS: "django_redis.client.ShardClient" },
    timeout: 300,
  };
}

async function listAll(backend: CacheBackend, count: number): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await backend.listKeys({ prefix: "shard:1:", cursor, count, withMeta: true });
    rows.push(...page.keys);
    cursor = page.cursor;
    if (++pages > 200) throw new Error("the cursor never ends");
  } while (cursor !== null);
  return rows;
}

describe("Redis shards (django-redis ShardClient)", () => {
  const servers: RedisServerHandle[] = [];
  let backend: CacheBackend;
  let entries: { key: string; rawKey: string }[];

  beforeAll(async () => {
    for (const port of PORTS) servers.push(await startRedisServer({ port }));
    entries = JSON.parse(
      execFileSync("/usr/bin/python3", [SCRIPT, JSON.stringify({ servers: config().locations, count: COUNT })], { encoding: "utf8" }),
    ).entries;
    backend = createRedisBackend(config());
  });
  afterAll(async () => {
    await backend?.close();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("Django spread the keys over both servers (else this test proves nothing)", async () => {
    const sizes = await Promise.all(
      PORTS.map(async (port) => {
        const r = new Redis({ port, lazyConnect: true });
        await r.connect();
        const n = await r.dbsize();
        r.disconnect();
        return n;
      }),
    );
    expect(sizes.every((n) => n > 0)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(COUNT);
  });

  it("lists every key of every shard exactly once, page by page, and reads each from its shard", async () => {
    const rows = await listAll(backend, 7);
    expect(rows.map((r) => r.raw).sort()).toEqual(entries.map((e) => e.rawKey).sort());
    expect(new Set(rows.map((r) => r.server)).size).toBe(2);
    for (const e of entries.slice(0, 10)) {
      const entry = await backend.readEntry({ raw: e.rawKey }, 1 << 20);
      expect(decodeEntry(entry!.bytes!, entry!.hint!).value, e.key).toMatchObject({ type: "dict" });
    }
    const status = await backend.status();
    expect(status).toMatchObject({ ok: true });
    expect(status.servers).toHaveLength(2);
    expect((await backend.stats()).servers).toHaveLength(2);
  });

  it("a prefix purge deletes on each shard what it listed there, and nothing else", async () => {
    const doomed = entries.filter((e) => e.key.startsWith("item:1")).map((e) => e.rawKey);
    const done = await execute(
      backend,
      planFor(
        { config: backend.config, capabilities: backend.capabilities },
        { target: { prefix: "item:1" }, allVersions: false, dryRun: false },
      ),
    );
    expect(done.deleted).toBe(doomed.length);
    const left = (await listAll(backend, 100)).map((r) => r.raw);
    expect(left.sort()).toEqual(
      entries
        .map((e) => e.rawKey)
        .filter((k) => !doomed.includes(k))
        .sort(),
    );
  });

  it("one shard down is named while the other still answers", async () => {
    const partial = createRedisBackend(config([PORTS[0], 6371]));
    try {
      const status = await partial.status();
      expect(status.ok).toBe(false);
      expect(status.error).toMatch(/1 of 2 servers down/);
      expect(status.servers?.find((s) => s.ok)?.server).toBe(`127.0.0.1:${PORTS[0]}/0`);
    } finally {
      await partial.close();
    }
  });
});
