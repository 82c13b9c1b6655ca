import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CacheBackend, KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { redis as redisDescriptor } from "@/lib/backends/redis";
import { META_INLINE } from "./page-scan";

/**
 * listKeys through the page script (page-scan.ts) against real servers of our own (ports 6498-6499): every key of a
 * sparse prefix exactly once across pages, metadata on every row whatever the page size, glob characters literal,
 * and the same rows from a server that refuses scripts (the plain SCAN path).
 */

const PORT = 6499;
const NO_SCRIPT_PORT = 6498;

function config(port: number): CacheConfig {
  return {
    alias: "default",
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://127.0.0.1:${port}/0`],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
}

async function allPages(backend: CacheBackend, prefix: string, count: number): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await backend.listKeys({ prefix, cursor, count, withMeta: true });
    expect(page.scanned).toBeGreaterThan(0);
    rows.push(...page.keys);
    cursor = page.cursor;
    if (cursor === null) return rows;
  }
  throw new Error("paging does not end");
}

const servers: RedisServerHandle[] = [];
const clients: Redis[] = [];
const backends: CacheBackend[] = [];

/** 20,000 keys, 1% of them under ":1:sparse.", 400 under ":1:dense[1].", every third with a TTL. */
async function fill(client: Redis): Promise<void> {
  const pipeline = client.pipeline();
  for (let i = 0; i < 20_000; i++) {
    const key = i % 100 === 7 ? `:1:sparse.k${i}` : i % 50 === 3 ? `:1:dense[1].k${i}` : `:1:other.k${i}`;
    if (i % 3 === 0) pipeline.set(key, `v${i}`, "EX", 3600);
    else pipeline.set(key, `v${i}`);
  }
  pipeline.set(":1:dense1.decoy", "glob [1] must not match 1");
  await pipeline.exec();
}

let scripted: CacheBackend;
let refusing: CacheBackend;

beforeAll(async () => {
  servers.push(await startRedisServer({ port: PORT }));
  // A locked-down server: no scripting at all.
  servers.push(await startRedisServer({ port: NO_SCRIPT_PORT, args: ["--rename-command", "EVAL", "", "--rename-command", "EVALSHA", ""] }));
  for (const port of [PORT, NO_SCRIPT_PORT]) {
    const client = new Redis({ port, protocol: 2 });
    clients.push(client);
    await fill(client);
  }
  scripted = redisDescriptor.create(config(PORT));
  refusing = redisDescriptor.create(config(NO_SCRIPT_PORT));
  backends.push(scripted, refusing);
});

afterAll(async () => {
  for (const b of backends) await b.close();
  for (const c of clients) c.disconnect();
  for (const s of servers) await s.stop();
});

describe("listKeys by the page script", () => {
  it("pages a sparse prefix: every key exactly once, each row with ttl, size and type", async () => {
    const rows = await allPages(scripted, ":1:sparse.", 10);
    const names = rows.map((r) => r.raw);
    expect(new Set(names).size).toBe(names.length);
    expect(names.sort()).toEqual(Array.from({ length: 200 }, (_, j) => `:1:sparse.k${j * 100 + 7}`).sort());
    for (const row of rows) {
      expect(row.type).toBe("string");
      expect(typeof row.size).toBe("number");
      const i = Number(row.raw?.slice(":1:sparse.k".length));
      if (i % 3 === 0) expect(row.ttl).toBeGreaterThan(3500);
      else expect(row.ttl).toBeNull();
    }
  });

  it("a first page of a 1% prefix has the rows asked for in one page", async () => {
    const page = await scripted.listKeys({ prefix: ":1:sparse.", cursor: null, count: 100, withMeta: true });
    expect(page.keys.length).toBeGreaterThanOrEqual(100);
    expect(page.keys.every((r) => r.raw?.startsWith(":1:sparse."))).toBe(true);
  });

  it("gives metadata to pages bigger than one call's inline share", async () => {
    const count = META_INLINE + 100;
    const page = await scripted.listKeys({ prefix: "", cursor: null, count, withMeta: true });
    expect(page.keys.length).toBeGreaterThanOrEqual(count);
    expect(page.keys.every((r) => r.type === "string" && typeof r.size === "number")).toBe(true);
  });

  it("matches glob characters of the prefix literally", async () => {
    const rows = await allPages(scripted, ":1:dense[1].", 100);
    expect(rows).toHaveLength(400);
    expect(rows.some((r) => r.raw === ":1:dense1.decoy")).toBe(false);
  });

  it("names only when no metadata is asked", async () => {
    const page = await scripted.listKeys({ prefix: ":1:sparse.", cursor: null, count: 50, withMeta: false });
    expect(page.keys.length).toBeGreaterThanOrEqual(50);
    expect(page.keys.every((r) => r.size === undefined && r.type === undefined)).toBe(true);
  });

  it("gives the same rows from a server that refuses scripts", async () => {
    const byScript = await allPages(scripted, ":1:sparse.", 30);
    const byScan = await allPages(refusing, ":1:sparse.", 30);
    const strip = (rows: KeyRow[]) =>
      rows
        .map((r) => ({ raw: r.raw, type: r.type, size: r.size, ttl: r.ttl === null }))
        .sort((a, b) => String(a.raw).localeCompare(String(b.raw)));
    expect(strip(byScan)).toEqual(strip(byScript));
    expect(byScan).toHaveLength(200);
  });
});
