import Redis from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { testBackend } from "../contract";
import { redis } from ".";

/** Redis standalone against the contract (sentinel and shards keep their own files for now: see the README). */
const PORT = 6389;
let server: RedisServerHandle;
beforeAll(async () => {
  server = await startRedisServer({ port: PORT });
});
afterAll(async () => {
  await server?.stop();
});

const config = (port: number) => ({
  alias: "r",
  backendPath: redis.paths[0],
  locations: [`redis://127.0.0.1:${port}/0`],
  keyPrefix: "",
  version: 1,
  options: {},
  timeout: 300,
});

testBackend({
  name: "Redis standalone",
  create: () => redis.create(config(PORT)),
  closed: () => redis.create(config(1)),
  async seed(keys) {
    const client = new Redis({ port: PORT, lazyConnect: false });
    await client.mset(Object.fromEntries(keys.map((k) => [k, "v"])));
    await client.quit();
  },
  capabilities: { listKeys: true, stats: true },
});
