import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { redis as redisDescriptor } from "@/lib/backends/redis";
import { hasNoTouch } from "@/lib/backends/redis/access";
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { listKeys } from "@/lib/browse/list-keys";
import { analyse } from "./run";
import type { AnalysisResult } from "./types";

/**
 * Cold figures on a real redis-server (port 6481): OBJECT IDLETIME under allkeys-lru, OBJECT FREQ under
 * allkeys-lfu, keys read and keys left idle; an ACL user without OBJECT still gets its analysis.
 */

const PORT = 6481;

function config(user = ""): CacheConfig {
  return {
    alias: "cold",
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://${user}127.0.0.1:${PORT}/0`],
    keyPrefix: "",
    version: 1,
    options: {},
    timeout: 300,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const countAt = (r: AnalysisResult, le: number | null) => r.cold.histogram?.buckets.find((b) => b.le === le)?.count;

describe("Redis cold figures", () => {
  let server: RedisServerHandle;
  let raw: Redis;
  let version: string;
  const backends: CacheBackend[] = [];
  const backend = (user = "") => {
    const b = redisDescriptor.create(config(user));
    backends.push(b);
    return b;
  };

  beforeAll(async () => {
    // lfu-log-factor 0: every read adds one to the counter; lfu-decay-time 0: no decay mid-test.
    server = await startRedisServer({
      port: PORT,
      args: ["--lfu-log-factor", "0", "--lfu-decay-time", "0", "--enable-debug-command", "yes", "--latency-monitor-threshold", "10"],
    });
    raw = new Redis({ port: PORT });
    await raw.call("ACL", "SETUSER", "noobject", "on", ">pw", "~*", "+@all", "-object");
    await raw.call("ACL", "SETUSER", "nohealth", "on", ">pw", "~*", "+@all", "-slowlog", "-latency");
    version = /redis_version:(\S+)/.exec(await raw.info("server"))?.[1] ?? "";
  });

  afterAll(async () => {
    for (const b of backends) await b.close();
    raw?.disconnect();
    await server?.stop();
  });

  beforeEach(async () => {
    await raw.flushdb();
  });

  async function seed(): Promise<void> {
    const p = raw.pipeline();
    for (let i = 0; i < 10; i++) p.set(`:1:hot:${i}`, "h".repeat(100), "EX", 600);
    for (let i = 0; i < 6; i++) p.set(`:1:idle:${i}`, "i".repeat(200));
    await p.exec();
  }

  it("under allkeys-lru: keys left idle past the clock's resolution land in later buckets than keys just read", async () => {
    await raw.config("SET", "maxmemory-policy", "allkeys-lru");
    await seed();
    await sleep(2_200);
    for (let i = 0; i < 10; i++) await raw.get(`:1:hot:${i}`);
    const r = await analyse(backend(), config());
    expect(r.cold.basis).toBe("idletime");
    expect(r.cold.note).toMatch(/OBJECT IDLETIME \(maxmemory-policy allkeys-lru\)/);
    expect(r.cold.histogram?.unit).toBe("seconds");
    // Read just now: idle 0-1 s; written 2.2 s ago and never read: idle 2-3 s.
    expect(countAt(r, 1)).toBe(10);
    expect(countAt(r, 10)).toBe(6);
    const idle = r.cold.namespaces.find((n) => n.name === "idle");
    expect(idle).toMatchObject({ keys: 6, neverRead: null, idleOver1h: { keys: 0, bytes: 0 }, noExpiry: { keys: 6 } });
    expect(r.cold.namespaces.find((n) => n.name === "hot")?.noExpiry).toEqual({ keys: 0, bytes: 0 });

    // The analysis's own walk leaves idle times alone: a second one a little later sees them grown, none reset.
    await sleep(2_200);
    const again = await analyse(backend(), config());
    expect(countAt(again, 1)).toBe(0);
    expect(countAt(again, 10)).toBe(16);
  });

  it("under allkeys-lfu: counters, with keys read often above keys never read", async () => {
    await raw.config("SET", "maxmemory-policy", "allkeys-lfu");
    await seed();
    for (let round = 0; round < 20; round++) for (let i = 0; i < 10; i++) await raw.get(`:1:hot:${i}`);
    const r = await analyse(backend(), config());
    expect(r.cold.basis).toBe("lfu");
    expect(r.cold.note).toMatch(/logarithmic/);
    expect(r.cold.histogram?.unit).toBe("lfu");
    // A new key's counter is 5; 20 reads (log factor 0) take the hot ones to 25.
    expect(countAt(r, 5)).toBe(6);
    expect(countAt(r, 50)).toBe(10);
    expect(r.cold.namespaces.every((n) => n.idleOver1h === null && n.idleOver24h === null && n.neverRead === null)).toBe(true);
  });

  it("a user whose ACL refuses OBJECT: cold figures unavailable with the reason, the rest of the analysis complete", async () => {
    await raw.config("SET", "maxmemory-policy", "allkeys-lru");
    await seed();
    const r = await analyse(backend("noobject:pw@"), config("noobject:pw@"));
    expect(r.keys).toBe(16);
    expect(r.cold.basis).toBeNull();
    expect(r.cold.note).toMatch(/OBJECT IDLETIME is refused: NOPERM/);
    expect(r.cold.histogram).toBeNull();
    expect(r.cold.namespaces.find((n) => n.name === "idle")?.noExpiry.keys).toBe(6);
    expect(r.warnings.find((w) => w.code === "cold_unavailable")?.message).toMatch(/NOPERM/);
  });

  it("the key listing filters entries that never expire (noExpiry), under a prefix or across versions", async () => {
    await seed();
    await raw.set(":2:idle:old", "x");
    const list = async (prefix: string, allVersions: boolean) =>
      (await listKeys(backend(), config(), { prefix, cursor: null, count: 100, allVersions, raw: false, noExpiry: true })).keys
        .map((k) => k.raw)
        .sort();
    expect(await list("", false)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `:1:idle:${i}`));
    expect(await list("hot:", false)).toEqual([]);
    expect(await list("idle:", true)).toEqual([...[0, 1, 2, 3, 4, 5].map((i) => `:1:idle:${i}`), ":2:idle:old"].sort());
  });

  it("the console's entry read says whether it warmed the entry (CLIENT NO-TOUCH is Redis 7.2+)", async () => {
    await raw.config("SET", "maxmemory-policy", "allkeys-lru");
    await raw.set(":1:probe", "x");
    await sleep(2_200);
    const entry = await backend().readEntry({ raw: ":1:probe" }, 100);
    const idle = Number(await raw.object("IDLETIME", ":1:probe"));
    if (hasNoTouch(version)) {
      expect(entry?.notes).toContain("read with CLIENT NO-TOUCH: its idle time and access counter are unchanged");
      expect(idle).toBeGreaterThanOrEqual(2);
    } else {
      // Debian's 7.0: no NO-TOUCH, so the read warmed the entry, and the page says so.
      expect(entry?.notes?.some((n) => n.includes("has no CLIENT NO-TOUCH"))).toBe(true);
      expect(idle).toBeLessThanOrEqual(1);
    }
  });

  describe("health panel", () => {
    it("shows a slow command with its Django namespace, DEBUG SLEEP in the slow log and latency, doctors and top commands", async () => {
      await raw.config("SET", "slowlog-log-slower-than", "0");
      await raw.call("SLOWLOG", "RESET");
      await raw.set(":1:reports:daily:1", "x".repeat(50));
      await raw.call("DEBUG", "SLEEP", "0.05");
      await raw.config("SET", "slowlog-log-slower-than", "10000");
      const [h] = (await backend().serverHealth?.()) ?? [];
      expect(h.server).toBe(`127.0.0.1:${PORT}/0`);
      if (!h.slowlog.ok) throw new Error(h.slowlog.reason);
      const set = h.slowlog.value.find((e) => e.command === "SET");
      expect(set).toMatchObject({ rawKey: ":1:reports:daily:1", key: "reports:daily:1", namespace: "reports:daily:", args: 2 });
      // The value is not passed on: only the command, its key and how many arguments it had.
      expect(JSON.stringify(h.slowlog.value)).not.toContain("xxxxx");
      const sleep = h.slowlog.value.find((e) => e.command === "DEBUG");
      expect(sleep?.micros).toBeGreaterThanOrEqual(50_000);
      expect(sleep?.namespace).toBeNull();
      if (!h.latency.ok) throw new Error(h.latency.reason);
      expect(h.latency.value.find((e) => e.event === "command")?.maxMs).toBeGreaterThanOrEqual(50);
      expect(h.latencyDoctor).toMatchObject({ ok: true, value: expect.stringMatching(/\w/) });
      expect(h.memoryDoctor).toMatchObject({ ok: true, value: expect.stringMatching(/\w/) });
      if (!h.commands.ok) throw new Error(h.commands.reason);
      expect(h.commands.value.map((c) => c.command)).toContain("DEBUG");
    });

    it("a user whose ACL denies SLOWLOG and LATENCY: those sections unavailable with the reason, the others given", async () => {
      const [h] = (await backend("nohealth:pw@").serverHealth?.()) ?? [];
      expect(h.slowlog).toMatchObject({ ok: false, reason: expect.stringMatching(/NOPERM/) });
      expect(h.latency).toMatchObject({ ok: false, reason: expect.stringMatching(/NOPERM/) });
      expect(h.latencyDoctor.ok).toBe(false);
      expect(h.memoryDoctor.ok).toBe(true);
      expect(h.commands.ok).toBe(true);
    });

    it("a server that renamed SLOWLOG away: unavailable, the server's own words", async () => {
      const renamed = await startRedisServer({ port: PORT + 1, args: ["--rename-command", "SLOWLOG", ""] });
      const b = redisDescriptor.create({ ...config(), locations: [`redis://127.0.0.1:${PORT + 1}/0`] });
      try {
        const [h] = (await b.serverHealth?.()) ?? [];
        expect(h.slowlog).toMatchObject({ ok: false, reason: expect.stringMatching(/unknown command/i) });
        expect(h.memoryDoctor.ok).toBe(true);
      } finally {
        await b.close();
        await renamed.stop();
      }
    });
  });
});
