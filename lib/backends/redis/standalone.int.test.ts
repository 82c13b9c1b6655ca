import Redis from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CacheConfig } from "@/lib/config/types";
import type { CacheBackend, KeyRow } from "@/lib/backends/types";
import { startRedisServer, testRedisPort, type RedisServerHandle } from "@/test/redis-server";
import { BackendError } from "../errors";
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;

/** Against real redis-server processes of our own: one open, one with a password and without UNLINK. */

const PORT = testRedisPort();
const AUTH_PORT = PORT + 1;
const PASSWORD = "s3cret-pw";

function config(location: string, options: Record<string, unknown> = {}, backend = "django_redis.cache.RedisCache"): CacheConfig {
  return { alias: "default", backendPath: backend, locations: [location], keyPrefix: "", version: 1, options, timeout: 300 };
}

/** A pickled str the way django-redis writes it (protocol 4): "\x80\x04\x95...X<len>...". Opaque to the backend. */
function pickledStr(text: string): Buffer {
  const body = Buffer.from(text, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from([0x80, 0x04, 0x58]), len, body, Buffer.from([0x94, 0x2e])]);
}

async function allPages(backend: CacheBackend, prefix: string, count: number, withMeta = false): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await backend.listKeys({ prefix, cursor, count, withMeta });
    rows.push(...page.keys);
    cursor = page.cursor;
    pages++;
    if (pages > 100_000) throw new Error("paging does not end");
  } while (cursor !== null);
  return rows;
}

let server: RedisServerHandle;
let authServer: RedisServerHandle;
let raw: Redis;
let backend: CacheBackend;

beforeAll(async () => {
  server = await startRedisServer({ port: PORT });
  // Older or locked-down servers have no UNLINK and no scripting: renaming them away makes this one behave so.
  authServer = await startRedisServer({
    port: AUTH_PORT,
    args: ["--requirepass", PASSWORD, "--rename-command", "UNLINK", "", "--rename-command", "EVAL", ""],
  });
  raw = new Redis({ port: PORT, lazyConnect: true, protocol: 2 });
  await raw.connect();
});

afterAll(async () => {
  raw?.disconnect();
  await server?.stop();
  await authServer?.stop();
});

beforeEach(async () => {
  await raw.flushall();
  backend = createRedisBackend(config(`redis://127.0.0.1:${PORT}/0`));
});

afterEach(async () => {
  await backend.close();
});

describe("status and stats", () => {
  it("answers PING with a latency", async () => {
    const status = await backend.status();
    expect(status.ok).toBe(true);
    expect(status.latencyMs).toBeGreaterThanOrEqual(0);
    expect(status.servers?.[0].server).toBe(`127.0.0.1:${PORT}/0`);
  });

  it("reports INFO counters as server-wide, items from the alias's db", async () => {
    await raw.mset(":1:a", "1", ":1:b", "2");
    await raw.get(":1:a");
    await raw.get(":1:missing");
    const snap = await backend.stats();
    expect(snap.supported).toBe(true);
    expect(snap.serverWide).toBe(true);
    const [s] = snap.servers;
    expect(s.ok).toBe(true);
    expect(s.items).toBe(2);
    expect(s.hits).toBeGreaterThanOrEqual(1);
    expect(s.misses).toBeGreaterThanOrEqual(1);
    expect(s.version).toMatch(/^\d+\.\d+/);
    expect(s.bytes).toBeGreaterThan(0);
    expect(s.extra).toMatchObject({ maxmemory_policy: expect.any(String), keyspace: { db0: { keys: 2 } } });
  });
});

describe("listKeys", () => {
  it("matches a prefix with glob characters literally", async () => {
    const wanted = ["report[2024]*:a", "report[2024]*:b"];
    const decoys = ["report2*:b", "report[2024]x", "report[2024]*", "xreport[2024]*:c", "report2024*:d", "report[2024]?:e"];
    for (const k of [...wanted, ...decoys]) await raw.set(k, "v");
    const rows = await allPages(backend, "report[2024]*:", 10);
    expect(rows.map((r) => r.raw).sort()).toEqual(wanted);
  });

  it("matches non-ASCII prefixes byte for byte", async () => {
    for (const k of [":1:café.a", ":1:cafe.b", ":1:café.b", ":1:cafè.c"]) await raw.set(k, "v");
    const rows = await allPages(backend, ":1:café.", 10, true);
    expect(rows.map((r) => r.raw).sort()).toEqual([":1:café.a", ":1:café.b"]);
  });

  it("pages through 5,000 keys with small counts, each key exactly once, decoys never", async () => {
    const pipeline = raw.pipeline();
    for (let i = 0; i < 5_000; i++) {
      pipeline.set(`:1:app.item${i}`, pickledStr(`value ${i}`));
      pipeline.set(`:2:app.item${i}`, "other version");
      pipeline.set(`myapp:1:app.item${i}`, "other prefix");
    }
    await pipeline.exec();
    for (const count of [1, 37, 500]) {
      const rows = await allPages(backend, ":1:app.", count);
      const names = rows.map((r) => r.raw);
      expect(names.length).toBe(5_000);
      expect(new Set(names).size).toBe(5_000);
      expect(names.every((n) => n !== null && /^:1:app\.item\d+$/.test(n))).toBe(true);
    }
  });

  it("a page with an empty prefix walks every key", async () => {
    const pipeline = raw.pipeline();
    for (let i = 0; i < 300; i++) pipeline.set(`k${i}`, "v");
    await pipeline.exec();
    expect(new Set((await allPages(backend, "", 7)).map((r) => r.raw)).size).toBe(300);
  });

  it("returns ttl, size and type for the rows when asked", async () => {
    await raw.set(":1:forever", pickledStr("x"));
    await raw.set(":1:soon", pickledStr("y"), "EX", 100);
    await raw.hset(":1:h", "f", "v");
    const rows = await allPages(backend, ":1:", 100, true);
    const byName = new Map(rows.map((r) => [r.raw, r]));
    expect(byName.get(":1:forever")).toMatchObject({ ttl: null, type: "string", server: `127.0.0.1:${PORT}/0` });
    expect(byName.get(":1:forever")?.size).toBeGreaterThan(0);
    const soon = byName.get(":1:soon")?.ttl;
    expect(soon).toBeGreaterThan(90);
    expect(soon).toBeLessThanOrEqual(100);
    expect(byName.get(":1:h")?.type).toBe("hash");
  });

  it("omits metadata when not asked", async () => {
    await raw.set(":1:x", "v");
    const page = await backend.listKeys({ prefix: "", cursor: null, count: 10, withMeta: false });
    expect(page.keys).toEqual([{ raw: ":1:x", server: `127.0.0.1:${PORT}/0` }]);
    expect(page.cursor).toBeNull();
  });

  it("reads the db named in LOCATION", async () => {
    await raw.select(2);
    await raw.set(":1:in-db2", "v");
    await raw.select(0);
    await raw.set(":1:in-db0", "v");
    const db2 = createRedisBackend(config(`redis://127.0.0.1:${PORT}/2`));
    try {
      expect((await allPages(db2, ":1:", 10)).map((r) => r.raw)).toEqual([":1:in-db2"]);
    } finally {
      await db2.close();
    }
  });
});

describe("readEntry", () => {
  it("reads a string with its metadata and the django-redis decode hint", async () => {
    const value = pickledStr("hello");
    await raw.set(":1:greeting", value, "EX", 50);
    const entry = await backend.readEntry({ raw: ":1:greeting" }, 65_536);
    expect(entry).not.toBeNull();
    expect(Buffer.from(entry!.bytes!)).toEqual(value);
    expect(entry).toMatchObject({
      raw: ":1:greeting",
      type: "string",
      valueLength: value.length,
      hint: { source: "django-redis", serializer: "pickle", compressor: null },
    });
    expect(entry!.ttl).toBeGreaterThan(40);
    expect(entry!.size).toBeGreaterThan(0);
  });

  it("gives Django's builtin RedisCache the builtin hint", async () => {
    await raw.set(":1:n", "42");
    const builtin = createRedisBackend(config(`redis://127.0.0.1:${PORT}`, {}, "django.core.cache.backends.redis.RedisCache"));
    try {
      expect((await builtin.readEntry({ raw: ":1:n" }, 100))?.hint).toEqual({ source: "redis-builtin" });
    } finally {
      await builtin.close();
    }
  });

  it("cuts a 3 MB value at maxBytes and says how long it is", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = i % 251;
    await raw.set(":1:big", big);
    const entry = await backend.readEntry({ raw: ":1:big" }, 64 * 1024);
    expect(entry!.bytes!.length).toBe(64 * 1024);
    expect(Buffer.from(entry!.bytes!)).toEqual(big.subarray(0, 64 * 1024));
    expect(entry!.valueLength).toBe(big.length);
    expect(entry!.notes?.join(" ")).toMatch(/first 65536 of 3145728 bytes/);
  });

  it("returns null for an absent key", async () => {
    expect(await backend.readEntry({ raw: ":1:nope" }, 100)).toBeNull();
  });

  it("shows a hash as a dict, with binary members as bytes", async () => {
    await raw.hset(":1:h", "name", "ada", "blob", Buffer.from([0x80, 0x04, 0xff]));
    const entry = await backend.readEntry({ raw: ":1:h" }, 1000);
    expect(entry).toMatchObject({ type: "hash", bytes: null });
    expect(entry!.structured?.type).toBe("dict");
    const items = entry!.structured?.type === "dict" ? entry!.structured.items : [];
    expect(items).toContainEqual([
      { type: "str", value: "name" },
      { type: "str", value: "ada" },
    ]);
    expect(items).toContainEqual([
      { type: "str", value: "blob" },
      { type: "bytes", base64: "gAT/", length: 3 },
    ]);
  });

  it("shows sets, sorted sets and lists, bounded to the first members", async () => {
    await raw.sadd(":1:s", "a", "b");
    await raw.zadd(":1:z", 1.5, "m1", 2, "m2");
    await raw.rpush(":1:l", "x", "y", "z");
    const bigSet = Array.from({ length: 1_000 }, (_, i) => `member${i}`);
    await raw.sadd(":1:bigset", ...bigSet);

    const s = await backend.readEntry({ raw: ":1:s" }, 1000);
    expect(s?.structured).toMatchObject({ type: "set" });
    expect(s?.structured?.type === "set" && s.structured.items.map((i) => (i.type === "str" ? i.value : "")).sort()).toEqual(["a", "b"]);

    const z = await backend.readEntry({ raw: ":1:z" }, 1000);
    expect(z?.structured).toEqual({
      type: "list",
      items: [
        {
          type: "tuple",
          items: [
            { type: "str", value: "m1" },
            { type: "float", value: 1.5 },
          ],
        },
        {
          type: "tuple",
          items: [
            { type: "str", value: "m2" },
            { type: "float", value: 2 },
          ],
        },
      ],
    });

    await raw.xadd(":1:stream", "1-1", "event", "login");
    const st = await backend.readEntry({ raw: ":1:stream" }, 1000);
    expect(st?.structured).toEqual({
      type: "list",
      items: [
        {
          type: "tuple",
          items: [
            { type: "str", value: "1-1" },
            {
              type: "dict",
              items: [
                [
                  { type: "str", value: "event" },
                  { type: "str", value: "login" },
                ],
              ],
            },
          ],
        },
      ],
    });

    const l = await backend.readEntry({ raw: ":1:l" }, 1000);
    expect(l?.structured).toEqual({ type: "list", items: ["x", "y", "z"].map((value) => ({ type: "str", value })) });

    const big = await backend.readEntry({ raw: ":1:bigset" }, 1000);
    const items = big?.structured?.type === "set" ? big.structured.items : [];
    expect(items.length).toBe(101);
    expect(items[100]).toEqual({ type: "truncated", omitted: 900 });
    expect(big?.notes?.join(" ")).toMatch(/showing 100 of 1000 members/);
  });
});

describe("deletes", () => {
  it("deletes by name and listed rows, counting only keys that existed", async () => {
    await raw.mset(":1:a", "1", ":1:b", "2", ":1:c", "3", ":1:keep", "4");
    expect(await backend.deleteEntries([{ raw: ":1:a" }, { raw: ":1:absent" }, { file: "0123" }])).toBe(1);
    const listed = (await allPages(backend, ":1:", 10)).filter((r) => r.raw !== ":1:keep");
    expect(await backend.deleteListed(listed)).toBe(2);
    expect(await raw.keys("*")).toEqual([":1:keep"]);
  });

  it("deletes in batches", async () => {
    const names = Array.from({ length: 1_234 }, (_, i) => `:1:bulk${i}`);
    await raw.mset(...names.flatMap((n) => [n, "v"]));
    expect(await backend.deleteEntries(names.map((n) => ({ raw: n })))).toBe(1_234);
    expect(await raw.dbsize()).toBe(0);
  });
});

describe("iterate", () => {
  beforeEach(async () => {
    const pipeline = raw.pipeline();
    for (let i = 0; i < 5_000; i++) {
      pipeline.set(`:1:it.${i}`, pickledStr(String(i)));
      pipeline.set(`:1:other.${i}`, "v");
    }
    await pipeline.exec();
  });

  it("yields every key under the prefix once, with sizes when asked", async () => {
    const seen: KeyRow[] = [];
    let batches = 0;
    for await (const rows of backend.iterate({ prefix: ":1:it.", batch: 200, withSizes: true })) {
      seen.push(...rows);
      batches++;
    }
    expect(seen.length).toBe(5_000);
    expect(new Set(seen.map((r) => r.raw)).size).toBe(5_000);
    expect(seen.every((r) => r.raw?.startsWith(":1:it.") && typeof r.size === "number" && r.type === "string")).toBe(true);
    expect(batches).toBeGreaterThan(1);
  });

  it("stops with the abort reason once aborted", async () => {
    const controller = new AbortController();
    let seen = 0;
    const run = async () => {
      for await (const rows of backend.iterate({ prefix: ":1:it.", batch: 100, withSizes: false, signal: controller.signal })) {
        seen += rows.length;
        controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: "AbortError" });
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(5_000);
  });
});

describe("failures", () => {
  it("an unreachable server fails fast with a clear error", { timeout: 5_000 }, async () => {
    // Port 1 on loopback: nothing listens there, the connect is refused at once.
    const down = createRedisBackend(config("redis://127.0.0.1:1/0"));
    try {
      const status = await down.status();
      expect(status.ok).toBe(false);
      expect(status.error).toMatch(/unreachable: connection refused/);
      const err = await down.listKeys({ prefix: "", cursor: null, count: 10, withMeta: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BackendError);
      expect((err as BackendError).code).toBe("unreachable");
      expect((await down.stats()).servers[0]).toMatchObject({ ok: false, error: expect.stringMatching(/unreachable/) });
    } finally {
      await down.close();
    }
  });

  it("a wrong password is an auth failure (WRONGPASS), none at all is NOAUTH", async () => {
    const wrong = createRedisBackend(config(`redis://127.0.0.1:${AUTH_PORT}/0`, { PASSWORD: "nope" }));
    const none = createRedisBackend(config(`redis://127.0.0.1:${AUTH_PORT}/0`));
    try {
      expect((await wrong.status()).error).toMatch(/auth failed \(WRONGPASS\)/);
      const err = await wrong.readEntry({ raw: "x" }, 10).catch((e: unknown) => e);
      expect((err as BackendError).code).toBe("auth");
      expect((await none.status()).error).toMatch(/NOAUTH/);
    } finally {
      await wrong.close();
      await none.close();
    }
  });

  it("the right password works; metadata without scripting and deletes without UNLINK fall back", async () => {
    const good = createRedisBackend(config(`redis://:${PASSWORD}@127.0.0.1:${AUTH_PORT}/0`));
    const admin = new Redis({ port: AUTH_PORT, password: PASSWORD, lazyConnect: true, protocol: 2 });
    try {
      await admin.connect();
      await admin.mset(":1:a", "1", ":1:b", "2");
      expect((await good.status()).ok).toBe(true);
      await admin.set(":1:t", "v", "EX", 100);
      const page = await good.listKeys({ prefix: ":1:", cursor: null, count: 10, withMeta: true });
      expect(page.keys.length).toBe(3);
      expect(page.keys.every((k) => k.type === "string" && typeof k.size === "number")).toBe(true);
      expect(page.keys.find((k) => k.raw === ":1:t")?.ttl).toBeGreaterThan(90);
      expect(await admin.del(":1:t")).toBe(1);
      expect(await good.deleteEntries([{ raw: ":1:a" }])).toBe(1);
      expect(await good.deleteEntries([{ raw: ":1:b" }])).toBe(1);
      expect(await admin.dbsize()).toBe(0);
    } finally {
      admin.disconnect();
      await good.close();
    }
  });

  it("a LOCATION it cannot use is reported, not thrown at creation", async () => {
    const bad = createRedisBackend(config("127.0.0.1:6397"));
    expect((await bad.status()).error).toMatch(/not a redis/);
    await expect(bad.listKeys({ prefix: "", cursor: null, count: 1, withMeta: false })).rejects.toMatchObject({ code: "config" });
    await bad.close();
    const secret = createRedisBackend(config("redis://app:hunter2@127.0.0.1:6397/notadb"));
    const status = await secret.status();
    expect(status.error).toMatch(/database/);
    expect(JSON.stringify(status)).not.toMatch(/hunter2/);
    await secret.close();
  });

  it("replaces a connection the server closed, without failing the call", async () => {
    await raw.set(":1:x", "v");
    expect((await backend.status()).ok).toBe(true);
    // Kill the backend's connection from the server side: the next call must notice and open a fresh one.
    expect(await raw.call("CLIENT", "KILL", "SKIPME", "yes")).toBeGreaterThanOrEqual(1);
    const page = await backend.listKeys({ prefix: "", cursor: null, count: 10, withMeta: false });
    expect(page.keys.map((k) => k.raw)).toEqual([":1:x"]);
  });
});
