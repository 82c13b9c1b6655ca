import Redis from "ioredis";
import { afterAll, beforeAll } from "vitest";
import type { CacheConfig } from "@/lib/config/types";
import type { Daemon } from "@/test/daemon";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { startSentinel } from "@/test/redis-sentinel";
import { testBackend } from "../contract";
import { redis } from ".";

/** Every Redis topology against the contract: standalone, through Sentinel, and django-redis shards. */
const STANDALONE_PORT = 6389;
const PRIMARY_PORT = 6397;
const SENTINEL_PORT = 26397;
const SHARD_PORTS = [6398, 6399];
/** Nothing listens there. */
const CLOSED_PORT = 1;
const SERVICE = "contract-primary";

const servers: RedisServerHandle[] = [];
let sentinel: Daemon | undefined;
beforeAll(async () => {
  for (const port of [STANDALONE_PORT, PRIMARY_PORT, ...SHARD_PORTS]) servers.push(await startRedisServer({ port }));
  sentinel = await startSentinel(SENTINEL_PORT, SERVICE, PRIMARY_PORT);
});
afterAll(async () => {
  await sentinel?.stop();
  await Promise.all(servers.map((s) => s.stop()));
});

const config = (locations: string[], options: Record<string, unknown> = {}): CacheConfig => ({
  alias: "r",
  backendPath: redis.paths[0],
  locations,
  keyPrefix: "",
  version: 1,
  options,
  timeout: 300,
});

/** Writes each key to the server `where` picks for it. */
async function write(keys: string[], where: (i: number) => number): Promise<void> {
  const byPort = new Map<number, string[]>();
  keys.forEach((k, i) => byPort.set(where(i), [...(byPort.get(where(i)) ?? []), k]));
  for (const [port, some] of byPort) {
    const client = new Redis({ port });
    await client.mset(Object.fromEntries(some.map((k) => [k, "v"])));
    await client.quit();
  }
}

testBackend({
  name: "Redis standalone",
  create: () => redis.create(config([`redis://127.0.0.1:${STANDALONE_PORT}/0`])),
  closed: () => redis.create(config([`redis://127.0.0.1:${CLOSED_PORT}/0`])),
  seed: (keys) => write(keys, () => STANDALONE_PORT),
  capabilities: { listKeys: true, stats: true },
});

const sentinelOptions = (port: number) => ({ CLIENT_CLASS: "django_redis.client.SentinelClient", SENTINELS: [["127.0.0.1", port]] });
testBackend({
  name: "Redis through Sentinel",
  create: () => redis.create(config([`redis://${SERVICE}/0`], sentinelOptions(SENTINEL_PORT))),
  closed: () => redis.create(config([`redis://${SERVICE}/0`], sentinelOptions(CLOSED_PORT))),
  seed: (keys) => write(keys, () => PRIMARY_PORT),
  capabilities: { listKeys: true, stats: true },
});

const shards = (ports: number[]) =>
  config(
    ports.map((p) => `redis://127.0.0.1:${p}/0`),
    { CLIENT_CLASS: "django_redis.client.ShardClient" },
  );
testBackend({
  name: "Redis shards",
  create: () => redis.create(shards(SHARD_PORTS)),
  closed: () => redis.create(shards([CLOSED_PORT, CLOSED_PORT + 1])),
  // Keys on both servers: the listing, reads and deletes must find each where it is.
  seed: (keys) => write(keys, (i) => SHARD_PORTS[i % SHARD_PORTS.length]),
  capabilities: { listKeys: true, stats: true },
});
