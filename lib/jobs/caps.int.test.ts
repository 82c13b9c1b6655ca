import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getContext } from "@/lib/server/context";
import { callRoute, withServerEnv, type ServerEnv } from "@/test/routes";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { jobs, MAX_RUNNING_JOBS } from "./registry";

/**
 * Job caps through the real analysis route on a real redis-server. The server is paused (CLIENT PAUSE) so the
 * analyses started stay running while the next requests arrive: one per cache (429 for a second), and at most
 * MAX_RUNNING_JOBS at once over all caches (429 beyond).
 */

const PORT = Number(process.env.CACHESCOPE_TEST_CAPS_REDIS_PORT ?? 6375);
const TOKEN = "caps-test-token-0123456789abcdef";
const ALIASES = ["a", "b", "c", "d", "e"];
const CACHES = Object.fromEntries(
  ALIASES.map((alias, db) => [alias, { BACKEND: "django_redis.cache.RedisCache", LOCATION: `redis://127.0.0.1:${PORT}/${db}` }]),
);

let server: RedisServerHandle;
let raw: Redis;
let env: ServerEnv;

beforeAll(async () => {
  server = await startRedisServer({ port: PORT });
  raw = new Redis({ port: PORT, protocol: 2 });
  env = withServerEnv({ CACHESCOPE_TOKEN: TOKEN, CACHESCOPE_CACHES: JSON.stringify(CACHES), CACHESCOPE_AUDIT_LOG: "/dev/null" });
});
afterAll(async () => {
  for (const backend of getContext().backends.values()) await backend?.close().catch(() => undefined);
  env?.restore();
  raw?.disconnect();
  await server?.stop();
});

describe("analysis job caps", () => {
  it("a second analysis of a cache is 429 while the first runs; past the global cap every new one is 429", async () => {
    expect(MAX_RUNNING_JOBS).toBe(4);
    const { POST } = await import("@/app/api/caches/[alias]/analysis/route");
    const { GET } = await import("@/app/api/caches/route");
    // Connections open first, so the pause holds the analyses' first commands.
    await callRoute(GET, "/api/caches", { token: TOKEN });
    const analyse = (alias: string) =>
      callRoute(POST, `/api/caches/${alias}/analysis`, { method: "POST", params: { alias }, body: {}, token: TOKEN });

    await raw.call("CLIENT", "PAUSE", "3000", "ALL");
    const first = await analyse("a");
    expect(first.status).toBe(202);
    const again = await analyse("a");
    expect(again.status).toBe(429);
    expect(again.json()).toMatchObject({
      error: { code: "too_many_jobs", message: expect.stringMatching(/already running on cache "a": one at a time per cache/) },
    });

    for (const alias of ["b", "c", "d"]) expect((await analyse(alias)).status, alias).toBe(202);
    const over = await analyse("e");
    expect(over.status).toBe(429);
    expect(over.json()).toMatchObject({
      error: { code: "too_many_jobs", message: expect.stringMatching(/4 jobs are running, the most allowed at once \(4\)/) },
    });

    // Once they end, the cache takes a new one.
    for (
      let i = 0;
      i < 400 &&
      jobs()
        .list()
        .some((j) => j.state === "running");
      i++
    )
      await new Promise((r) => setTimeout(r, 25));
    expect(
      jobs()
        .list()
        .filter((j) => j.state === "running"),
    ).toEqual([]);
    expect((await analyse("e")).status).toBe(202);
  });
});
