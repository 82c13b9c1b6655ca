import Redis from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackendError, messageOf } from "@/lib/backends/errors";
import { redis as redisDescriptor } from "@/lib/backends/redis";
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { analyse } from "@/lib/analysis/run";
import { planFor } from "@/lib/invalidate/plan";
import { execute, type Progress } from "@/lib/invalidate/run";
import { parseInvalidateRequest } from "@/lib/invalidate/target";
import type { Daemon } from "@/test/daemon";
import { startSentinel } from "@/test/redis-sentinel";
import { SentinelGroup } from "@/test/sentinel-group";
import { RedisConnection } from "./connection";
import { parseRedisLocation } from "./location";
import { SENTINEL_FOLLOW, SentinelConnection } from "./sentinel-connection";

/**
 * Failover behind Sentinel, on real servers: a primary and its replica, three sentinels (quorum 2). The primary is
 * killed, or stepped down with SENTINEL FAILOVER, or demoted under a kept connection (READONLY), several times in a row;
 * the console must follow each time (listing, entries, deletes, a purge in flight) and say "reconnecting" meanwhile,
 * never the dead primary's "connection refused". Deadlines are generous: nothing here measures speed.
 */

const SERVICE = "cachescope-failover";
const SERVER_PORTS: [number, number] = [6471, 6472];
const SENTINEL_PORTS: [number, number, number] = [26471, 26472, 26473];
/** A sentinel outside the group, stuck on a primary nobody runs (nothing listens on DEAD_PORT). */
const STALE_SENTINEL_PORT = 26474;
const DEAD_PORT = 6473;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const OPTIONS = { CLIENT_CLASS: "django_redis.client.SentinelClient", SENTINELS: SENTINEL_PORTS.map((p) => ["127.0.0.1", p]) };

function config(): CacheConfig {
  return {
    alias: "failover",
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://${SERVICE}/0`],
    keyPrefix: "fo",
    version: 1,
    options: OPTIONS,
    timeout: 300,
  };
}

let group: SentinelGroup;
let backend: CacheBackend;

beforeAll(async () => {
  group = await SentinelGroup.start({ service: SERVICE, serverPorts: SERVER_PORTS, sentinelPorts: SENTINEL_PORTS });
  backend = redisDescriptor.create(config());
}, 120_000);

afterAll(async () => {
  await backend?.close();
  await group?.stop();
});

/** Polls `fn` until `ok` holds; every error met on the way is kept, to be checked by the caller. */
async function eventually<T>(fn: () => Promise<T>, ok: (value: T) => boolean, errors: unknown[], timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = "no answer yet";
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (ok(value)) return value;
      last = value;
    } catch (err) {
      errors.push(err);
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`not followed in ${timeoutMs} ms; last: ${messageOf(last)}`);
}

/** Every error a user met during the failover said "reconnecting": none was the dead primary's refusal. */
function expectOnlyReconnecting(errors: unknown[]): void {
  const others = errors.filter((e) => !(e instanceof BackendError && e.code === "reconnecting")).map(messageOf);
  expect(others).toEqual([]);
}

/** The console lists, reads and deletes on `primary`: keys written there directly, after the switch. */
async function expectFollowing(primary: number, tag: string, errors: unknown[]): Promise<void> {
  const [a, b] = [`fo:1:${tag}.a`, `fo:1:${tag}.b`];
  await group.command(primary, "SET", a, "x");
  await group.command(primary, "SET", b, "y");
  const page = await eventually(
    () => backend.listKeys({ prefix: `fo:1:${tag}.`, cursor: null, count: 100, withMeta: false }),
    (p) => p.keys.length === 2,
    errors,
  );
  expect(page.keys.map((k) => k.raw).sort()).toEqual([a, b]);
  const entry = await eventually(
    () => backend.readEntry({ raw: a }, 1024),
    (e) => e !== null,
    errors,
  );
  expect(entry?.type).toBe("string");
  // 1 only where b exists and can be deleted: the new primary, not a replica (READONLY) nor a dead or old primary.
  await eventually(
    () => backend.deleteEntries([{ raw: b }]),
    (n) => n === 1,
    errors,
  );
  expect(await group.command(primary, "EXISTS", b)).toBe(0);
}

describe("a Sentinel failover, followed by the console", () => {
  it("works before any failover", async () => {
    const primary = await group.settled();
    const errors: unknown[] = [];
    await expectFollowing(primary, "before", errors);
    expect(errors).toEqual([]);
  });

  for (const round of [1, 2, 3]) {
    it(`the primary killed (round ${round}): listing, entries and deletes follow the promoted replica`, async () => {
      const errors: unknown[] = [];
      const old = await group.killPrimary();
      // The console is asked at once, while the sentinels still name the dead primary.
      const during = backend.listKeys({ prefix: "fo:1:", cursor: null, count: 10, withMeta: false }).catch((e: unknown) => e);
      const primary = await group.switchedFrom(old);
      expect(primary).not.toBe(old);
      const early = await during;
      if (early instanceof Error) errors.push(early);
      await expectFollowing(primary, `kill${round}`, errors);
      expectOnlyReconnecting(errors);
      await group.recover(old);
    }, 180_000);
  }

  for (const round of [1, 2]) {
    it(`SENTINEL FAILOVER (round ${round}): followed, though the old primary keeps its clients until Sentinel demotes it`, async () => {
      const errors: unknown[] = [];
      await backend.status();
      const old = await group.failover();
      const primary = await group.switchedFrom(old);
      await expectFollowing(primary, `switch${round}`, errors);
      expectOnlyReconnecting(errors);
      await group.recover(old);
    }, 180_000);
  }

  it("a kept connection to a primary demoted under it (READONLY) re-resolves and writes on the new primary", async () => {
    const old = await group.settled();
    const target = parseRedisLocation(`redis://${SERVICE}/0`, OPTIONS);
    // No background check: the READONLY reply must be what sends it looking.
    const conn = new SentinelConnection(target, { ...SENTINEL_FOLLOW, recheckAfterMs: 3_600_000 });
    const direct = new RedisConnection({ ...parseRedisLocation(`redis://127.0.0.1:${old}/0`), label: `direct ${old}` });
    try {
      await conn.run((c) => c.set("fo:1:ro.before", "1"));
      await group.failover();
      const primary = await group.switchedFrom(old);
      // Demoted the way an orchestrator does it: REPLICAOF, which keeps the clients connected.
      await group.command(old, "REPLICAOF", "127.0.0.1", primary);
      await expect(direct.run((c) => c.set("fo:1:ro.probe", "1"))).rejects.toThrow(/READONLY/);

      await conn.run((c) => c.set("fo:1:ro.after", "2"));
      expect(await group.command(primary, "GET", "fo:1:ro.after")).toBe("2");
    } finally {
      await conn.close();
      await direct.close();
    }
    await group.recover(old);
  }, 180_000);
});

describe("a sentinel with a stale view", () => {
  it("listed first, it names a dead primary: the console follows the newer view of the others instead of dialling it", async () => {
    const stale: Daemon = await startSentinel(STALE_SENTINEL_PORT, SERVICE, DEAD_PORT);
    const sentinels = [["127.0.0.1", STALE_SENTINEL_PORT], ...OPTIONS.SENTINELS];
    const first = redisDescriptor.create({ ...config(), options: { ...OPTIONS, SENTINELS: sentinels } });
    try {
      const named = await group.command(STALE_SENTINEL_PORT, "SENTINEL", "get-master-addr-by-name", SERVICE);
      expect(named).toEqual(["127.0.0.1", String(DEAD_PORT)]);
      const primary = await group.settled();
      await group.command(primary, "SET", "fo:1:stale.a", "1");
      expect(await first.deleteEntries([{ raw: "fo:1:stale.a" }])).toBe(1);
      const status = await first.status();
      expect(status.ok).toBe(true);
    } finally {
      await first.close();
      await stale.stop();
    }
  }, 60_000);
});

/** Writes `count` string keys named `${prefix}${i}` on the primary at `port` and waits until its replica has them. */
async function fill(port: number, prefix: string, count: number): Promise<void> {
  const client = new Redis({ port, host: "127.0.0.1", protocol: 2 });
  try {
    for (let i = 0; i < count; i += 5000) {
      const pipe = client.pipeline();
      for (let j = i; j < Math.min(count, i + 5000); j++) pipe.set(`${prefix}${j}`, "v");
      await pipe.exec();
    }
    expect(Number(await client.call("WAIT", "1", "10000"))).toBe(1);
  } finally {
    client.disconnect();
  }
}

/** Keys under `match` on the server at `port`, counted by SCAN. */
async function countKeys(port: number, match: string): Promise<number> {
  const client = new Redis({ port, host: "127.0.0.1", protocol: 2 });
  try {
    let n = 0;
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", match, "COUNT", 5000);
      cursor = next;
      n += keys.length;
    } while (cursor !== "0");
    return n;
  } finally {
    client.disconnect();
  }
}

describe("an analysis in flight across a failover", () => {
  it("starts over on the new primary: its key count is the new primary's, not the walked keys counted twice", async () => {
    const old = await group.settled();
    await fill(old, "fo:1:an.", 40_000);
    let killed = false;
    const result = await analyse(backend, config(), {
      onProgress: (p) => {
        if (killed || p.matched === 0) return;
        killed = true;
        void group.killPrimary(old);
      },
    });
    expect(killed).toBe(true);
    const primary = await group.switchedFrom(old);
    expect(result.keys).toBe(await countKeys(primary, "fo:*"));
    expect(result.keys).toBeGreaterThanOrEqual(40_000);
    await group.recover(old);
  }, 180_000);
});

describe("a purge in flight across a failover", () => {
  it("carries on against the new primary: every matching key deleted once, counted exactly, decoys untouched", async () => {
    const KEYS = 60_000;
    const DECOYS = 500;
    const old = await group.settled();
    const client = new Redis({ port: old, host: "127.0.0.1", protocol: 2 });
    try {
      for (let i = 0; i < KEYS; i += 5000) {
        const pipe = client.pipeline();
        for (let j = i; j < Math.min(KEYS, i + 5000); j++) pipe.set(`fo:1:pg.${j}`, "v");
        await pipe.exec();
      }
      const decoys = client.pipeline();
      for (let j = 0; j < DECOYS; j++) decoys.set(`fo:1:pz.${j}`, "v");
      await decoys.exec();
      expect(Number(await client.call("WAIT", "1", "10000"))).toBe(1);
    } finally {
      client.disconnect();
    }

    const plan = planFor({ config: config(), capabilities: backend.capabilities }, parseInvalidateRequest({ target: { prefix: "pg." } }));
    const progress: Progress = { scanned: 0, matched: 0, deleted: 0 };
    let killedAfter = -1;
    await execute(
      backend,
      plan,
      {
        onBatch: async (p) => {
          if (killedAfter >= 0) return;
          killedAfter = p.deleted;
          // What was deleted so far is on the replica too, so the count can be exact after the switch.
          expect(Number(await group.command(old, "WAIT", "1", "10000"))).toBe(1);
          await group.killPrimary(old);
        },
      },
      progress,
    );
    expect(killedAfter).toBeGreaterThan(0);
    expect(killedAfter).toBeLessThan(KEYS);

    const primary = await group.switchedFrom(old);
    const after = new Redis({ port: primary, host: "127.0.0.1", protocol: 2 });
    try {
      let left = 0;
      let decoysLeft = 0;
      let cursor = "0";
      do {
        const [next, keys] = await after.scan(cursor, "MATCH", "fo:1:p*", "COUNT", 5000);
        cursor = next;
        left += keys.filter((k) => k.startsWith("fo:1:pg.")).length;
        decoysLeft += keys.filter((k) => k.startsWith("fo:1:pz.")).length;
      } while (cursor !== "0");
      expect(left).toBe(0);
      expect(decoysLeft).toBe(DECOYS);
    } finally {
      after.disconnect();
    }
    expect(progress.deleted).toBe(KEYS);
    expect(progress.matched).toBe(KEYS);
    await group.recover(old);
  }, 180_000);
});
