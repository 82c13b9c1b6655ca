import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { parseAddress, type ServerAddress } from "./address";
import { SNAPSHOT_MAX_ROWS } from "./listing";
import { dump, type DumpItem } from "./metadump";

const ITEMS = 120_000;
/** Keys that metadump must percent-encode: ":" always, and "%", "é", "/" and "+" here. */
const keyOf = (i: number) => `:1:m%d/é+${i}`;

function send(port: number, payload: string, end: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => socket.write(payload));
    let tail = "";
    socket.on("data", (chunk) => {
      tail = (tail + chunk.toString("latin1")).slice(-end.length);
      if (tail === end) {
        socket.destroy();
        resolve();
      }
    });
    socket.on("error", reject);
  });
}

const options = { batch: 1000, connectTimeoutMs: 2000, idleTimeoutMs: 10_000 };
const keep = (key: string, exp: number, size: number): DumpItem => ({ key, exp, size });

describe("metadump streaming against a real memcached", () => {
  let server: MemcachedServerHandle;
  let address: ServerAddress;

  beforeAll(async () => {
    // A hash table big enough from the start: growing it mid-test would reorder `hash` dumps between pages, which
    // the re-dumping paging (listing.ts) cannot follow.
    server = await startMemcached({ port: 11299, args: ["-o", "hashpower=18"] });
    address = parseAddress(server.location);
    let payload = "";
    for (let i = 0; i < ITEMS; i++) payload += `set ${keyOf(i)} 0 ${i % 2 ? 0 : 5000} 1 noreply\r\nx\r\n`;
    await send(server.port, `${payload}mn\r\n`, "MN\r\n");
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("reads every item once, whatever the chunk boundaries, with keys decoded and fields parsed", async () => {
    const seen = new Set<string>();
    let batches = 0;
    let withExpiry = 0;
    for await (const batch of dump(address, options, keep)) {
      batches++;
      expect(batch.length).toBeLessThanOrEqual(1000);
      for (const item of batch) {
        expect(seen.has(item.key)).toBe(false);
        seen.add(item.key);
        expect(item.size).toBeGreaterThan(0);
        if (item.exp !== -1) withExpiry++;
      }
    }
    expect(seen.size).toBe(ITEMS);
    expect(seen.has(keyOf(0))).toBe(true);
    expect(seen.has(keyOf(ITEMS - 1))).toBe(true);
    expect(withExpiry).toBe(ITEMS / 2);
    expect(batches).toBe(ITEMS / 1000);
  });

  it("filters in the row maker: rows it refuses are never queued", async () => {
    let rows = 0;
    for await (const batch of dump(address, options, (key, exp, size) => (key.endsWith("+7") ? keep(key, exp, size) : null)))
      rows += batch.length;
    expect(rows).toBe(1);
  });

  it("pages a server with more keys than a listing snapshot keeps by re-dumping up to each page, every key once", async () => {
    expect(ITEMS).toBeGreaterThan(SNAPSHOT_MAX_ROWS);
    const backend = createMemcachedBackend({
      alias: "big",
      backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
      locations: [server.location],
      keyPrefix: "",
      version: 1,
      options: {},
      timeout: 300,
    });
    try {
      const seen = new Set<string>();
      let rows = 0;
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await backend.listKeys({ prefix: "", cursor, count: 10_000, withMeta: true });
        expect(page.errors).toBeUndefined();
        for (const row of page.keys) seen.add(row.raw!);
        rows += page.keys.length;
        // Each page walks the dump up to its own end, never further: the last page walks it all.
        expect(page.scanned).toBeLessThanOrEqual(ITEMS);
        cursor = page.cursor;
        pages++;
      } while (cursor !== null);
      // A page that fills up stops reading before it can see END: the last full page may be followed by an empty one.
      expect(pages).toBeGreaterThanOrEqual(ITEMS / 10_000);
      expect(pages).toBeLessThanOrEqual(ITEMS / 10_000 + 1);
      expect(seen.size).toBe(ITEMS);
      expect(rows).toBe(ITEMS);
    } finally {
      await backend.close();
    }
  });

  it("gives up on a reader that stops pulling, freeing the server's crawler for the next dump", async () => {
    const stalled = dump(address, { ...options, stallMs: 200 }, keep);
    expect((await stalled.next()).done).toBe(false);
    // Not pulling from `stalled` any more: its socket pauses, then closes. A fresh dump then gets the crawler.
    let count = 0;
    for await (const batch of dump(address, options, keep)) count += batch.length;
    expect(count).toBe(ITEMS);
    await expect(
      (async () => {
        for (;;) if ((await stalled.next()).done) return;
      })(),
    ).rejects.toThrow(/fell 0.2 s behind/);
  });
});

describe("metadump while another crawl holds the LRU crawler", () => {
  let server: MemcachedServerHandle;
  let address: ServerAddress;
  const BUSY_ITEMS = 20_000;

  /** Starts memcached's own crawl and slows it to one batch a second, so the crawler answers BUSY until released. */
  const holdCrawler = async () => {
    await send(server.port, "lru_crawler sleep 1000000\r\n", "OK\r\n");
    await send(server.port, "lru_crawler crawl all\r\n", "OK\r\n");
  };
  const releaseCrawler = () => send(server.port, "lru_crawler sleep 0\r\n", "OK\r\n");

  beforeAll(async () => {
    server = await startMemcached({ port: 11298 });
    address = parseAddress(server.location);
    let payload = "";
    for (let i = 0; i < BUSY_ITEMS; i++) payload += `set :1:busy:${i} 0 0 ${i % 300} noreply\r\n${"y".repeat(i % 300)}\r\n`;
    await send(server.port, `${payload}mn\r\n`, "MN\r\n");
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("retries BUSY with backoff and lists once the crawler is free", async () => {
    await holdCrawler();
    let attempts = 0;
    let settled = false;
    const listing = (async () => {
      let count = 0;
      for await (const batch of dump(address, options, keep, () => attempts++)) count += batch.length;
      return count;
    })().finally(() => {
      settled = true;
    });
    // Release only after a refused attempt, so the retry path is what lists.
    while (attempts < 2 && !settled) await new Promise((r) => setTimeout(r, 20));
    await releaseCrawler();
    expect(await listing).toBe(BUSY_ITEMS);
    expect(attempts).toBeGreaterThanOrEqual(2);
  });

  it("reports a crawler that stays busy as such, through the backend's listing", async () => {
    await holdCrawler();
    const backend = createMemcachedBackend({
      alias: "busy",
      backendPath: "django.core.cache.backends.memcached.PyMemcacheCache",
      locations: [server.location],
      keyPrefix: "",
      version: 1,
      options: {},
      timeout: 300,
    });
    try {
      const page = await backend.listKeys({ prefix: "", cursor: null, count: 10, withMeta: true });
      expect(page.keys).toEqual([]);
      expect(page.errors).toEqual([
        { server: server.location, error: expect.stringMatching(/LRU crawler stayed busy .* after 6 attempts/) },
      ]);
    } finally {
      await releaseCrawler();
      await backend.close();
    }
  });
});
