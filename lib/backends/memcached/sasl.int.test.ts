import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toApiError } from "@/lib/api/errors";
import { decodeEntry } from "@/lib/codecs/decode";
import type { CacheConfig } from "@/lib/config/types";
import { startMemcached, type MemcachedServerHandle } from "@/test/memcached-server";
import { memcached as memcachedDescriptor } from "@/lib/backends/memcached";
const createMemcachedBackend = memcachedDescriptor.create;
import type { CacheBackend } from "@/lib/backends/types";

/** SASL-authenticated memcached (binary protocol only), written by a real Django through pylibmc, read through memjs. */

const SCRIPT = join(__dirname, "../../../test/django-memcached/djsasl.py");
const USER = { username: "cachescope", password: "s3cret-pass" };

function django<T>(command: string, args: Record<string, unknown>): T {
  return JSON.parse(execFileSync("/usr/bin/python3", [SCRIPT, command, JSON.stringify(args)], { encoding: "utf8" })) as T;
}

function config(servers: string[], password = USER.password): CacheConfig {
  return {
    alias: "sasl",
    backendPath: "django.core.cache.backends.memcached.PyLibMCCache",
    locations: servers,
    keyPrefix: "sasl",
    version: 1,
    options: { binary: true, username: USER.username, password },
    timeout: 300,
  };
}

describe("memcached with SASL (memjs over the binary protocol)", () => {
  let a: MemcachedServerHandle;
  let b: MemcachedServerHandle;
  let backend: CacheBackend;
  let entries: { key: string; rawKey: string }[];

  beforeAll(async () => {
    a = await startMemcached({ port: 11284, sasl: USER });
    b = await startMemcached({ port: 11285, sasl: USER });
    const servers = [a.location, b.location];
    entries = django<{ entries: { key: string; rawKey: string }[] }>("write", { servers, ...USER }).entries;
    backend = createMemcachedBackend(config(servers));
  });
  afterAll(async () => {
    await backend?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("says why keys cannot be listed, and refuses a listing with that reason", async () => {
    expect(backend.capabilities).toMatchObject({ listKeys: false, serverStats: true });
    expect(backend.capabilities.unlistedReason).toMatch(/binary protocol cannot list keys/);
    const err = await backend.listKeys({ prefix: "", cursor: null, count: 10, withMeta: false }).catch((e: unknown) => e);
    expect(toApiError(err)).toMatchObject({ status: 400, code: "listing_unavailable" });
  });

  it("reads every entry Django wrote, on whichever server holds it, and decodes it from its flags", async () => {
    const read = async (key: string) => {
      const raw = entries.find((e) => e.key === key)!.rawKey;
      const entry = await backend.readEntry({ raw }, 1 << 20);
      expect(entry, key).not.toBeNull();
      expect(entry!.notes?.[0]).toMatch(/counted as a get/);
      return decodeEntry(entry!.bytes!, entry!.hint!).value;
    };
    expect(await read("profile")).toMatchObject({ type: "dict" });
    expect(await read("visits")).toEqual({ type: "int", value: "4711" });
    expect(await read("motd")).toEqual({ type: "str", value: "hello" });
    // pylibmc stores True as "1" with its bool flag, and reads it back as int 1.
    expect(await read("flag")).toEqual({ type: "int", value: "1" });
    expect(await backend.readEntry({ raw: "sasl:1:absent" }, 1024)).toBeNull();
  });

  it("counts the gets in the servers' stats", async () => {
    const snap = await backend.stats();
    expect(snap.servers.map((s) => s.ok)).toEqual([true, true]);
    const hits = snap.servers.reduce((n, s) => n + (s.hits ?? 0), 0);
    expect(hits).toBeGreaterThanOrEqual(4);
  });

  it("deletes by name on every server; Django then misses the key", async () => {
    const raw = entries.find((e) => e.key === "motd")!.rawKey;
    expect(await backend.deleteEntries([{ raw }])).toBe(1);
    expect(django<{ hit: boolean }>("get", { servers: [a.location, b.location], ...USER, key: "motd" }).hit).toBe(false);
    expect(django<{ hit: boolean }>("get", { servers: [a.location, b.location], ...USER, key: "visits" }).hit).toBe(true);
  });

  it("a wrong password shows as down with a clear error, not a crash", async () => {
    const wrong = createMemcachedBackend(config([a.location], "not-it"));
    try {
      const status = await wrong.status();
      expect(status.ok).toBe(false);
      expect(status.servers?.[0].error).toMatch(/SASL login refused|unreachable/);
      await expect(wrong.readEntry({ raw: "sasl:1:visits" }, 1024)).rejects.toMatchObject({
        code: "auth",
        message: expect.stringMatching(/SASL login refused/),
      });
    } finally {
      await wrong.close();
    }
  });
});
