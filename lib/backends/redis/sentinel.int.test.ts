import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEntry } from "@/lib/codecs/decode";
import type { CacheConfig } from "@/lib/config/types";
import type { Daemon } from "@/test/daemon";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { startSentinel } from "@/test/redis-sentinel";
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import type { CacheBackend } from "@/lib/backends/types";

/** django-redis SentinelClient: a primary found through Redis Sentinel, written by a real Django, read by the app. */

const PRIMARY_PORT = 6374;
const SENTINEL_PORT = 26374;
const SERVICE = "cachescope-primary";
const SCRIPT = join(__dirname, "../../../test/django-redis/djsentinel.py");

function config(sentinelPort = SENTINEL_PORT): CacheConfig {
  return {
    alias: "sentinel",
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://${SERVICE}/0`],
    keyPrefix: "sent",
    version: 1,
    options: { CLIENT_CLASS: "django_redis.client.SentinelClient", SENTINELS: [["127.0.0.1", sentinelPort]] },
    timeout: 300,
  };
}

describe("Redis through Sentinel (django-redis SentinelClient)", () => {
  let primary: RedisServerHandle;
  let sentinel: Daemon;
  let backend: CacheBackend;
  let entries: { key: string; rawKey: string }[];

  beforeAll(async () => {
    primary = await startRedisServer({ port: PRIMARY_PORT });
    sentinel = await startSentinel(SENTINEL_PORT, SERVICE, PRIMARY_PORT);
    entries = JSON.parse(
      execFileSync("/usr/bin/python3", [SCRIPT, JSON.stringify({ sentinel: SENTINEL_PORT, service: SERVICE })], { encoding: "utf8" }),
    ).entries;
    backend = createRedisBackend(config());
  });
  afterAll(async () => {
    await backend?.close();
    await sentinel?.stop();
    await primary?.stop();
  });

  it("reaches the primary the sentinel names, and labels it by service", async () => {
    const status = await backend.status();
    expect(status.ok).toBe(true);
    expect(status.servers?.[0].server).toBe(`sentinel:${SERVICE}/0`);
  });

  it("lists and decodes what Django wrote through the sentinel", async () => {
    const page = await backend.listKeys({ prefix: "sent:1:", cursor: null, count: 100, withMeta: true });
    expect(page.keys.map((r) => r.raw).sort()).toEqual(entries.map((e) => e.rawKey).sort());
    const motd = await backend.readEntry({ raw: entries.find((e) => e.key === "motd")!.rawKey }, 1 << 20);
    expect(decodeEntry(motd!.bytes!, motd!.hint!).value).toEqual({ type: "str", value: "through sentinel" });
    const visits = await backend.readEntry({ raw: entries.find((e) => e.key === "visits")!.rawKey }, 1 << 20);
    expect(decodeEntry(visits!.bytes!, visits!.hint!).value).toEqual({ type: "int", value: "99" });
  });

  it("a sentinel that does not answer is a clear error, not a hang", async () => {
    const nowhere = createRedisBackend(config(SENTINEL_PORT + 1));
    try {
      const status = await nowhere.status();
      expect(status.ok).toBe(false);
      expect(status.error).toMatch(/sentinel/i);
    } finally {
      await nowhere.close();
    }
  });
});
