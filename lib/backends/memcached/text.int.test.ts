import { execFile } from "node:child_process";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeEntry } from "@/lib/codecs/decode";
import type { CacheConfig } from "@/lib/config/types";
import { MemcachedClient } from "@/lib/backends/memcached/client";
import { parseAddress } from "@/lib/backends/memcached/address";
import { InvalidKeyError } from "@/lib/backends/memcached/errors";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import { GET_NOTE } from "@/lib/backends/memcached/read-note";
import type { CacheBackend, KeyRow, ServerStats } from "@/lib/backends/types";

const run = promisify(execFile);
const SCRIPT = join(__dirname, "../../../test/django-memcached/djmemcached.py");
const BULK = 100;

interface Written {
  entries: { alias: "pymc" | "libmc"; key: string; rawKey: string; kind: string }[];
  bulk: string[];
  bigLength: number;
}

async function django<T>(command: string, args: Record<string, unknown>): Promise<T> {
  const { stdout } = await run("/usr/bin/python3", [SCRIPT, command, JSON.stringify(args)], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as T;
}

function configFor(alias: string, backend: string, keyPrefix: string, locations: string[]): CacheConfig {
  return { alias, backendPath: backend, locations, keyPrefix, version: 1, options: {}, timeout: 300 };
}

async function listAll(backend: CacheBackend, prefix: string, count: number): Promise<{ rows: KeyRow[]; pages: number; errors: string[] }> {
  const rows: KeyRow[] = [];
  const errors: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await backend.listKeys({ prefix, cursor, count, withMeta: true });
    rows.push(...page.keys);
    errors.push(...(page.errors ?? []).map((e) => `${e.server}: ${e.error}`));
    cursor = page.cursor;
    pages++;
    if (pages > 10_000) throw new Error("listing does not end");
  } while (cursor !== null);
  return { rows, pages, errors };
}

const sumOf = (servers: ServerStats[], pick: (s: ServerStats) => number | null) => servers.reduce((a, s) => a + (pick(s) ?? 0), 0);

describe("memcached backend against two real servers written by Django 3.2", () => {
  let a: MemcachedServerHandle;
  let b: MemcachedServerHandle;
  let written: Written;
  let servers: string[];
  let pymc: CacheBackend;
  let libmc: CacheBackend;
  let allRaw: string[];

  beforeAll(async () => {
    a = await startMemcached({ port: 11295 });
    b = await startMemcached({ port: 11296 });
    servers = [a.location, b.location];
    written = await django<Written>("write", { servers, bulk: BULK });
    allRaw = [...written.entries.map((e) => e.rawKey), ...written.bulk];
    pymc = createMemcachedBackend(configFor("pymc", "django.core.cache.backends.memcached.PyMemcacheCache", "pm", servers));
    libmc = createMemcachedBackend(configFor("libmc", "django.core.cache.backends.memcached.PyLibMCCache", "lm", servers));
  });

  afterAll(async () => {
    await pymc?.close();
    await libmc?.close();
    await a?.stop();
    await b?.stop();
  });

  it("lists every key of both servers exactly once, each with the server that holds it", async () => {
    const { rows, pages, errors } = await listAll(pymc, "", 7);
    expect(errors).toEqual([]);
    expect(pages).toBeGreaterThan(10);
    const raws = rows.map((r) => r.raw);
    expect(new Set(raws).size).toBe(raws.length);
    expect([...raws].sort()).toEqual([...allRaw].sort());
    expect(new Set(rows.map((r) => r.server))).toEqual(new Set(servers));
    // The row's server really holds the key (deleteListed relies on it).
    const clients = new Map(servers.map((s) => [s, new MemcachedClient(parseAddress(s))]));
    try {
      for (const row of rows.slice(0, 40)) expect(await clients.get(row.server!)!.meta(row.raw!)).not.toBeNull();
    } finally {
      for (const c of clients.values()) c.close();
    }
    const byRaw = new Map(rows.map((r) => [r.raw, r]));
    expect(byRaw.get("pm:1:dict")).toMatchObject({ ttl: null, type: "item" });
    expect(byRaw.get("pm:1:dict")!.size).toBeGreaterThan(50);
    const ttl = byRaw.get("pm:1:int")!.ttl!;
    expect(ttl).toBeGreaterThan(3000);
    expect(ttl).toBeLessThanOrEqual(3601);
    expect(byRaw.get("pm:1:big")!.size).toBeGreaterThan(written.bigLength);
    expect(byRaw.has("lm:1:café")).toBe(true);
  });

  it("pages of a listing with one count cover the same keys as one big page", async () => {
    const one = await listAll(pymc, "", 10_000);
    expect(one.pages).toBe(1);
    expect(one.rows.length).toBe(allRaw.length);
  });

  it("filters by a literal prefix", async () => {
    const bulk1 = (await listAll(pymc, "pm:1:bulk:1", 5)).rows.map((r) => r.raw).sort();
    expect(bulk1).toEqual(["pm:1:bulk:1", ...Array.from({ length: 10 }, (_, i) => `pm:1:bulk:1${i}`)].sort());
    expect((await listAll(pymc, "lm:", 50)).rows.length).toBe(allRaw.filter((k) => k.startsWith("lm:")).length);
    // Glob and regex characters are not patterns.
    expect((await listAll(pymc, "pm:1:*", 50)).rows).toEqual([]);
    expect((await listAll(pymc, "pm:1:bulk:.", 50)).rows).toEqual([]);
  });

  it("iterates every key in batches", async () => {
    const seen: string[] = [];
    let batches = 0;
    for await (const batch of pymc.iterate({ prefix: "", batch: 16, withSizes: true })) {
      expect(batch.length).toBeLessThanOrEqual(16);
      batches++;
      seen.push(...batch.map((r) => r.raw!));
    }
    expect(batches).toBeGreaterThan(10);
    expect(seen.sort()).toEqual([...allRaw].sort());
  });

  it("reads values with their flags, as pymemcache and pylibmc wrote them", async () => {
    const read = async (backend: CacheBackend, raw: string) => {
      const entry = await backend.readEntry({ raw }, 1 << 20);
      expect(entry).not.toBeNull();
      return entry!;
    };
    const pmInt = await read(pymc, "pm:1:int");
    expect(pmInt.hint).toEqual({ source: "memcached", flags: 2, client: "pymemcache" });
    expect(Buffer.from(pmInt.bytes!).toString()).toBe("42");
    expect(pmInt.ttl).toBeGreaterThan(3000);
    expect(pmInt.notes).toContain(GET_NOTE);
    expect(decodeEntry(pmInt.bytes!, pmInt.hint!).value).toEqual({ type: "int", value: "42" });

    const lmInt = await read(libmc, "lm:1:int");
    expect(lmInt.hint).toEqual({ source: "memcached", flags: 4, client: "pylibmc" });
    expect(decodeEntry(lmInt.bytes!, lmInt.hint!).value).toEqual({ type: "int", value: "42" });

    const pmBool = await read(pymc, "pm:1:bool");
    expect(pmBool.hint).toMatchObject({ flags: 1 });
    expect(decodeEntry(pmBool.bytes!, pmBool.hint!).value).toEqual({ type: "bool", value: true });
    const lmBool = await read(libmc, "lm:1:bool");
    expect(lmBool.hint).toMatchObject({ flags: 2 });
    expect(Buffer.from(lmBool.bytes!).toString()).toBe("1");

    const pmDict = await read(pymc, "pm:1:dict");
    expect(pmDict.ttl).toBeNull();
    expect(decodeEntry(pmDict.bytes!, pmDict.hint!).value).toMatchObject({ type: "dict" });

    const str = await read(libmc, "lm:1:str");
    expect(str.hint).toMatchObject({ flags: 16 });
    expect(decodeEntry(str.bytes!, str.hint!).value).toEqual({ type: "str", value: "hello memcached" });
    expect(decodeEntry((await read(pymc, "pm:1:café")).bytes!, { source: "memcached", flags: 16, client: "pymemcache" }).value).toEqual({
      type: "str",
      value: "unicode key",
    });

    const fragment = written.entries.find((e) => e.alias === "pymc" && e.kind === "fragment")!;
    const pmFragment = await read(pymc, fragment.rawKey);
    expect(pmFragment.hint).toMatchObject({ flags: 1 });
    expect(decodeEntry(pmFragment.bytes!, pmFragment.hint!).value).toMatchObject({
      type: "object",
      class: "django.utils.safestring.SafeString",
    });
    const lmFragment = await read(libmc, fragment.rawKey.replace(/^pm:/, "lm:"));
    expect(lmFragment.hint).toMatchObject({ flags: 16 });
  });

  it("reads a value near the 1 MiB limit, cut at maxBytes with its full length known", async () => {
    const full = await pymc.readEntry({ raw: "pm:1:big" }, 2 << 20);
    expect(full!.bytes!.length).toBe(written.bigLength);
    expect(full!.hint).toMatchObject({ flags: 0 });
    const cut = await libmc.readEntry({ raw: "lm:1:big" }, 1000);
    expect(cut!.bytes!.length).toBe(1000);
    expect(cut!.valueLength).toBe(written.bigLength);
  });

  it("answers null for an absent key, without counting a get anywhere", async () => {
    const before = (await pymc.stats()).servers;
    expect(await pymc.readEntry({ raw: "pm:1:nope" }, 100)).toBeNull();
    const after = (await pymc.stats()).servers;
    expect(sumOf(after, (s) => s.misses)).toBe(sumOf(before, (s) => s.misses));
    expect(sumOf(after, (s) => s.hits)).toBe(sumOf(before, (s) => s.hits));
  });

  it("refuses keys that would inject protocol, before anything reaches a server", async () => {
    await expect(pymc.readEntry({ raw: "pm:1:a b" }, 100)).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(pymc.deleteEntries([{ raw: "pm:1:str\r\nflush_all" }])).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(pymc.deleteEntries([{ raw: "x".repeat(251) }])).rejects.toBeInstanceOf(InvalidKeyError);
    await expect(
      pymc.deleteListed([
        { raw: "pm:1:bulk:0", server: servers[0] },
        { raw: "pm:1:a\tb", server: servers[0] },
      ]),
    ).rejects.toBeInstanceOf(InvalidKeyError);
    // Nothing was flushed or deleted: every key is still there.
    expect((await listAll(pymc, "", 1000)).rows.length).toBe(allRaw.length);
  });

  it("reports per-server counters that move with Django's own gets, and slab figures", async () => {
    const before = await pymc.stats();
    expect(before.serverWide).toBe(true);
    expect(before.servers.map((s) => s.server)).toEqual(servers);
    await django("get", { servers, alias: "pymc", key: "dict" });
    await django("get", { servers, alias: "pymc", key: "dict" });
    await django("get", { servers, alias: "pymc", key: "missing-key" });
    const after = await pymc.stats();
    expect(sumOf(after.servers, (s) => s.hits) - sumOf(before.servers, (s) => s.hits)).toBe(2);
    expect(sumOf(after.servers, (s) => s.misses) - sumOf(before.servers, (s) => s.misses)).toBe(1);
    for (const s of after.servers) {
      expect(s).toMatchObject({ ok: true, version: "1.6.18", maxBytes: 64 * 1024 * 1024 });
      expect(s.items).toBeGreaterThan(0);
      const extra = s.extra as { itemSizeMax: number; slabs: { chunkSize: number; memRequested: number; memUsed: number }[] };
      expect(extra.itemSizeMax).toBe(1024 * 1024);
      expect(extra.slabs.length).toBeGreaterThan(0);
      for (const slab of extra.slabs) expect(slab.memUsed).toBeGreaterThanOrEqual(slab.memRequested);
    }
    expect(sumOf(after.servers, (s) => s.items)).toBe(allRaw.length);
    expect(await pymc.limits!()).toEqual({ itemSizeMax: 1024 * 1024 });
  });

  it("deletes by name on every server of the pool", async () => {
    expect(await pymc.deleteEntries([{ raw: "pm:1:str" }, { raw: "pm:1:never-there" }])).toBe(1);
    expect(await pymc.readEntry({ raw: "pm:1:str" }, 100)).toBeNull();
    expect(await django<{ hit: boolean }>("get", { servers, alias: "pymc", key: "str" })).toEqual({ hit: false, repr: null });
  });

  it("deletes listed rows on the server that listed them, across both servers", async () => {
    const { rows } = await listAll(libmc, "lm:1:bulk:", 30);
    expect(rows.length).toBe(BULK);
    expect(new Set(rows.map((r) => r.server)).size).toBe(2);
    await expect(libmc.deleteListed([{ raw: rows[0].raw, server: "127.0.0.1:1" }])).rejects.toThrow(/no server of this pool/);
    expect(await libmc.deleteListed(rows)).toBe(BULK);
    expect((await listAll(libmc, "lm:1:bulk:", 30)).rows).toEqual([]);
    expect((await listAll(libmc, "pm:1:bulk:", 30)).rows.length).toBe(BULK);
    expect(await django<{ hit: boolean }>("get", { servers, alias: "libmc", key: "bulk:7" })).toMatchObject({ hit: false });
  });

  it("with one server killed mid-listing, lists the other and reports the dead one", async () => {
    const status = await pymc.status();
    expect(status.ok).toBe(true);
    expect(status.servers!.every((s) => s.ok)).toBe(true);

    const first = await pymc.listKeys({ prefix: "pm:", cursor: null, count: 5, withMeta: true });
    expect(first.keys.length).toBe(5);
    await b.stop();

    const rest = [...first.keys];
    const errors: string[] = [];
    let cursor = first.cursor;
    while (cursor !== null) {
      const page = await pymc.listKeys({ prefix: "pm:", cursor, count: 5, withMeta: true });
      rest.push(...page.keys);
      errors.push(...(page.errors ?? []).map((e) => e.server));
      cursor = page.cursor;
    }
    expect(errors).toEqual([b.location]);
    const onA = rest.filter((r) => r.server === a.location).length;
    expect(onA).toBeGreaterThan(0);
    expect(rest.every((r) => r.server === a.location || first.keys.includes(r))).toBe(true);

    const down = await pymc.status();
    expect(down.ok).toBe(false);
    expect(down.servers!.find((s) => s.server === a.location)).toMatchObject({ ok: true });
    expect(down.servers!.find((s) => s.server === b.location)).toMatchObject({ ok: false });
    expect(down.servers!.find((s) => s.server === b.location)!.error).toMatch(/ECONNREFUSED|closed|connect/);

    const stats = await pymc.stats();
    expect(stats.servers.find((s) => s.server === a.location)).toMatchObject({ ok: true });
    expect(stats.servers.find((s) => s.server === b.location)).toMatchObject({ ok: false, hits: null });

    const iterated: string[] = [];
    await expect(
      (async () => {
        for await (const batch of pymc.iterate({ prefix: "pm:", batch: 10, withSizes: true })) iterated.push(...batch.map((r) => r.raw!));
      })(),
    ).rejects.toThrow(/1 server\(s\) could not be listed/);
    // The live server's keys all came through before the error about the dead one.
    expect(iterated.length).toBe(onA);
  });
});

describe("memcached listing switched off", () => {
  let x: MemcachedServerHandle;
  let backend: CacheBackend;
  beforeAll(async () => {
    x = await startMemcached({ port: 11298, args: ["-X"] });
    backend = createMemcachedBackend(configFor("x", "django.core.cache.backends.memcached.PyMemcacheCache", "", [x.location]));
  });
  afterAll(async () => {
    await backend?.close();
    await x?.stop();
  });

  it("says listing is unavailable instead of failing obscurely; reads still work", async () => {
    const page = await backend.listKeys({ prefix: "", cursor: null, count: 10, withMeta: true });
    expect(page.keys).toEqual([]);
    expect(page.cursor).toBeNull();
    expect(page.errors).toEqual([{ server: x.location, error: expect.stringMatching(/listing unavailable.*metadump not allowed/) }]);
    expect(await backend.readEntry({ raw: ":1:absent" }, 10)).toBeNull();
  });
});

describe("memcached over a unix socket", () => {
  const path = join(tmpdir(), `cachescope-mc-${process.pid}.sock`);
  let server: MemcachedServerHandle;
  let backend: CacheBackend;
  beforeAll(async () => {
    server = await startMemcached({ port: 11298, unixSocket: path });
    backend = createMemcachedBackend(configFor("sock", "django.core.cache.backends.memcached.PyLibMCCache", "", [server.location]));
  });
  afterAll(async () => {
    await backend?.close();
    await server?.stop();
  });

  it("lists, reads and deletes what Django wrote through the socket", async () => {
    expect(server.location).toBe(`unix:${path}`);
    const written = await django<Written>("write", { servers: [server.location], bulk: 3 });
    const { rows } = await listAll(backend, "lm:1:", 4);
    expect(rows.map((r) => r.raw).sort()).toEqual(
      written.entries
        .filter((e) => e.alias === "libmc")
        .map((e) => e.rawKey)
        .concat(written.bulk.filter((k) => k.startsWith("lm:")))
        .sort(),
    );
    expect(rows.every((r) => r.server === server.location)).toBe(true);
    const entry = await backend.readEntry({ raw: "lm:1:int" }, 100);
    expect(entry?.hint).toEqual({ source: "memcached", flags: 4, client: "pylibmc" });
    expect(await backend.deleteListed(rows)).toBe(rows.length);
    expect((await backend.status()).servers).toEqual([{ server: server.location, ok: true, latencyMs: expect.any(Number) }]);
  });
});

describe("memcached items over the read limit", () => {
  let server: MemcachedServerHandle;
  let backend: CacheBackend;
  beforeAll(async () => {
    server = await startMemcached({ port: 11298, memoryMb: 512, args: ["-I", "64m"] });
    backend = createMemcachedBackend(configFor("huge", "django.core.cache.backends.memcached.PyMemcacheCache", "", [server.location]));
  });
  afterAll(async () => {
    await backend?.close();
    await server?.stop();
  });

  it("describes a 40 MB item without fetching it (memcached cannot send part of a value)", async () => {
    const length = 40 * 1024 * 1024;
    const client = new MemcachedClient(parseAddress(server.location));
    try {
      await new Promise<void>((resolve, reject) => {
        const socket = connect({ host: "127.0.0.1", port: server.port }, () => {
          socket.write(`set :1:huge 0 0 ${length}\r\n`);
          socket.write(Buffer.alloc(length, 0x61));
          socket.write("\r\n");
        });
        socket.on("data", (chunk) => {
          socket.destroy();
          if (chunk.toString().startsWith("STORED")) resolve();
          else reject(new Error(chunk.toString()));
        });
        socket.on("error", reject);
      });
      const before = await client.stats();
      const entry = await backend.readEntry({ raw: ":1:huge" }, 1000);
      expect(entry).toMatchObject({ raw: ":1:huge", bytes: null, ttl: null });
      expect(entry!.size).toBeGreaterThan(length);
      expect(entry!.notes![0]).toMatch(/^Not read: the item is \d+ bytes/);
      // Not fetched: no get was counted.
      expect((await client.stats()).get("get_hits")).toBe(before.get("get_hits"));
    } finally {
      client.close();
    }
  });
});
