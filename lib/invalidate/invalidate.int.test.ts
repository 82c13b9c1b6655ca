import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import Redis from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readAudit, readAuditActions } from "@/lib/audit/log";
import { redis as redisDescriptor } from "@/lib/backends/redis";
const createRedisBackend = redisDescriptor.create;
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { fragmentKey } from "@/lib/django/fragment-keys";
import { urlHash } from "@/lib/django/page-keys";
import { JobRegistry, type Job } from "@/lib/jobs/registry";
import { startRedisServer, type RedisServerHandle } from "@/test/redis-server";
import { cancelJob } from "./cancel";
import { planFor } from "./plan";
import { SCAN_BATCH, dryRun, execute, type Progress } from "./run";
import { invalidate } from "./service";
import { parseInvalidateRequest } from "./target";

/**
 * Invalidation against real redis-server processes of our own (ports 6388, and 6387 for the one that gets killed).
 * Every test loads its keys, runs the lib function the job runs, and then looks at what is left in Redis.
 */

const PORT = Number(process.env.CACHESCOPE_TEST_INVALIDATE_REDIS_PORT ?? 6388);
const KILL_PORT = PORT - 1;

function config(keyPrefix = "", version = 1, port = PORT): CacheConfig {
  return {
    alias: "default",
    backendPath: "django_redis.cache.RedisCache",
    locations: [`redis://127.0.0.1:${port}/0`],
    keyPrefix,
    version,
    options: {},
    timeout: 300,
  };
}

let server: RedisServerHandle;
let raw: Redis;
const backends: CacheBackend[] = [];

function backendOf(cfg: CacheConfig): CacheBackend {
  const b = createRedisBackend(cfg);
  backends.push(b);
  return b;
}

async function plan(cfg: CacheConfig, body: unknown) {
  return planFor({ config: cfg, capabilities: backendOf(cfg).capabilities }, parseInvalidateRequest(body));
}

/** Runs the deletion the job runs; returns its totals. */
async function purge(cfg: CacheConfig, body: unknown, opts: Parameters<typeof execute>[2] = {}): Promise<Progress> {
  return execute(backendOf(cfg), await plan(cfg, body), opts);
}

async function load(client: Redis, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 10_000) {
    const chunk = keys.slice(i, i + 10_000);
    await client.mset(...chunk.flatMap((k) => [k, "v"]));
  }
}

async function allKeys(client: Redis = raw): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await client.scan(cursor, "COUNT", 10_000);
    out.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return out.sort();
}

beforeAll(async () => {
  server = await startRedisServer({ port: PORT });
  raw = new Redis({ port: PORT, protocol: 2 });
});

afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
  raw?.disconnect();
  await server?.stop();
});

beforeEach(async () => {
  await raw.flushdb();
});

describe("prefix purge", () => {
  it("matches glob characters literally: decoys an unescaped pattern would match survive", async () => {
    const hits = [":1:report[2024]*:q1", ":1:report[2024]*:q2"];
    const decoys = [
      ":1:report2*:x",
      ":1:report[2024]x",
      ":1:report2*:q1",
      ":1:report2024]*:q1",
      ":1:reportX[2024]*:q1",
      ":2:report[2024]*:q1",
    ];
    await load(raw, [...hits, ...decoys]);
    const body = { target: { prefix: "report[2024]*:" }, dryRun: false };

    const dry = await dryRun(backendOf(config()), await plan(config(), body));
    expect(dry.matched).toBe(2);
    expect(dry.sample.sort()).toEqual(hits);
    expect(dry.bytes).toBeGreaterThan(0);
    expect(dry.bytesUnknown).toBe(0);

    const done = await purge(config(), body);
    expect(done).toMatchObject({ matched: 2, deleted: 2 });
    expect(await allKeys()).toEqual([...decoys].sort());
  });

  it("current version only, or every version; other KEY_PREFIXes untouched", async () => {
    const keys = [":1:app.a", ":2:app.b", ":3:app.c", ":1:other", "shop:1:app.x", ":x:app.y", ":1:ap"];
    await load(raw, keys);
    expect(await purge(config("", 2), { target: { prefix: "app." } })).toMatchObject({ matched: 1, deleted: 1 });
    expect(await allKeys()).not.toContain(":2:app.b");
    expect(await allKeys()).toContain(":1:app.a");

    expect(await purge(config("", 2), { target: { prefix: "app." }, allVersions: true })).toMatchObject({ matched: 2, deleted: 2 });
    // ":x:app.y" has no numeric version: not a Django key of this alias.
    expect(await allKeys()).toEqual([":1:ap", ":1:other", ":x:app.y", "shop:1:app.x"]);
  });

  it("purges 100k keys among others, counting exactly", async () => {
    const big = Array.from({ length: 100_000 }, (_, i) => `:1:big.${i}`);
    const others = Array.from({ length: 20_000 }, (_, i) => `:1:keep.${i}`);
    await load(raw, [...big, ...others]);
    const seen: Progress[] = [];
    const done = await purge(config(), { target: { prefix: "big." } }, { onProgress: (p) => seen.push({ ...p }) });
    expect(done).toMatchObject({ matched: 100_000, deleted: 100_000 });
    expect(done.scanned).toBeGreaterThanOrEqual(120_000);
    expect(seen.length).toBeGreaterThan(1);
    expect(await raw.dbsize()).toBe(20_000);
    expect((await allKeys()).every((k) => k.startsWith(":1:keep."))).toBe(true);
  });

  it("cancel mid-way: stops after the current batch, deleted stays exact", async () => {
    await load(
      raw,
      Array.from({ length: 100_000 }, (_, i) => `:1:c.${i}`),
    );
    const abort = new AbortController();
    const progress: Progress = { scanned: 0, matched: 0, deleted: 0 };
    const run = execute(
      backendOf(config()),
      await plan(config(), { target: { prefix: "c." } }),
      { signal: abort.signal, onProgress: (p) => p.deleted > 0 && abort.abort() },
      progress,
    );
    await expect(run).rejects.toThrow(/abort/i);
    expect(progress.deleted).toBeGreaterThan(0);
    expect(progress.deleted).toBeLessThan(100_000);
    expect(await raw.dbsize()).toBe(100_000 - progress.deleted);
  });
});

describe("Redis killed mid-purge", () => {
  it("fails with the confirmed deletes counted; the server's log agrees up to the chunks in flight", async () => {
    // appendfsync always: every reply leaves only after its write is on disk, so a restart shows what really happened.
    const durable = ["--appendonly", "yes", "--appendfsync", "always"];
    const victim = await startRedisServer({ port: KILL_PORT, args: durable });
    const client = new Redis({ port: KILL_PORT, protocol: 2 });
    let restarted: RedisServerHandle | null = null;
    try {
      const dir = ((await client.config("GET", "dir")) as string[])[1];
      await load(
        client,
        Array.from({ length: 100_000 }, (_, i) => `:1:k.${i}`),
      );
      await load(client, [":1:keep"]);
      client.disconnect();

      const progress: Progress = { scanned: 0, matched: 0, deleted: 0 };
      const cfg = config("", 1, KILL_PORT);
      const run = execute(
        backendOf(cfg),
        await plan(cfg, { target: { prefix: "k." } }),
        { onProgress: (p) => p.deleted > 0 && process.kill(victim.pid, "SIGKILL") },
        progress,
      );
      await expect(run).rejects.toThrow(/unreachable|closed|refused|reset/i);
      expect(progress.deleted).toBeGreaterThan(0);
      expect(progress.deleted).toBeLessThan(100_000);

      restarted = await startRedisServer({ port: KILL_PORT, args: [...durable, "--dir", dir] });
      const after = new Redis({ port: KILL_PORT, protocol: 2 });
      const left = await after.dbsize();
      const keep = await after.exists(":1:keep");
      after.disconnect();
      expect(keep).toBe(1);
      const reallyDeleted = 100_000 - (left - 1);
      // Deletes the server made but whose replies the kill cut off: at most one pipelined batch.
      expect(reallyDeleted).toBeGreaterThanOrEqual(progress.deleted);
      expect(reallyDeleted - progress.deleted).toBeLessThanOrEqual(SCAN_BATCH);
    } finally {
      client.disconnect();
      await restarted?.stop();
      await victim.stop();
    }
  });
});

describe("URL invalidation", () => {
  const A = "https://shop.example/products/?page=1";
  const B = "https://shop.example/products/?page=2";
  const hA = urlHash(A);
  const hB = urlHash(B);
  const page = (kp: string, method: string, h: string, hh: string, suffix: string, v = 1) =>
    `:${v}:views.decorators.cache.cache_page.${kp}.${method}.${h}.${hh}${suffix}`;
  const header = (kp: string, h: string, suffix: string, v = 1) => `:${v}:views.decorators.cache.cache_header.${kp}.${h}${suffix}`;
  const hh = "d41d8cd98f00b204e9800998ecf8427e";

  it("deletes every page and header key of the URL and nothing else", async () => {
    const mine = [
      page("", "GET", hA, hh, ".en-us.UTC"),
      page("", "HEAD", hA, hh, ".en-us.UTC"),
      page("", "GET", hA, "74afae3c602e92ee7502d82fa223c931", ".de.UTC"),
      page("", "GET", hA, hh, ""),
      header("", hA, ".en-us.UTC"),
      header("", hA, ".de.UTC"),
      header("", hA, ""),
    ];
    const others = [
      page("", "GET", hB, hh, ".en-us.UTC"),
      header("", hB, ".en-us.UTC"),
      // The other URL's page whose header hash happens to equal A's URL hash: "contains .{md5}." would take it.
      page("", "GET", hB, hA, ".en-us.UTC"),
      page("tpl", "GET", hA, hh, ".en-us.UTC"),
      header("tpl", hA, ".en-us.UTC"),
      page("", "GET", hA, hh, ".en-us.UTC", 2),
      header("", `${hA}0`, ""),
      ":1:template.cache.sidebar.x",
    ];
    await load(raw, [...mine, ...others]);
    const body = { target: { url: A }, dryRun: false };
    const dry = await dryRun(backendOf(config()), await plan(config(), body));
    expect(dry.matched).toBe(mine.length);
    expect(await purge(config(), body)).toMatchObject({ matched: mine.length, deleted: mine.length });
    expect(await allKeys()).toEqual([...others].sort());
  });

  it("keyPrefix and allVersions select the cache_page key_prefix and versions", async () => {
    const tpl = [page("tpl", "GET", hA, hh, ".en"), header("tpl", hA, ".en"), page("tpl", "GET", hA, hh, ".en", 2)];
    const plain = [page("", "GET", hA, hh, ".en")];
    await load(raw, [...tpl, ...plain]);
    expect(await purge(config(), { target: { url: A, keyPrefix: "tpl" }, allVersions: true })).toMatchObject({ deleted: 3 });
    expect(await allKeys()).toEqual(plain);
  });
});

describe("fragments", () => {
  const a = `:1:${fragmentKey("sidebar", ["alice"])}`;
  const b = `:1:${fragmentKey("sidebar", ["bob"])}`;
  const others = [
    `:1:${fragmentKey("sidebarx", ["alice"])}`,
    `:1:${fragmentKey("side", ["alice"])}`,
    `:2:${fragmentKey("sidebar", ["alice"])}`,
  ];

  it("by name: every variant of that name", async () => {
    await load(raw, [a, b, ...others]);
    expect(await purge(config(), { target: { fragment: { name: "sidebar" } } })).toMatchObject({ matched: 2, deleted: 2 });
    expect(await allKeys()).toEqual([...others].sort());
  });

  it("by name and vary_on: the one key", async () => {
    await load(raw, [a, b, ...others]);
    const body = { target: { fragment: { name: "sidebar", varyOn: ["alice"] } } };
    const dry = await dryRun(backendOf(config()), await plan(config(), body));
    expect(dry).toMatchObject({ matched: 1, sample: [a] });
    expect(await purge(config(), body)).toMatchObject({ matched: 1, deleted: 1 });
    expect(await allKeys()).toEqual([b, ...others].sort());
  });
});

describe("clear", () => {
  it("deletes only this alias's KEY_PREFIX, every version", async () => {
    const keep = ["other:1:c", ":1:d", "shopx:1:e", "shop"];
    await load(raw, ["shop:1:a", "shop:2:b", "shop:1:x:y", ...keep]);
    expect(await purge(config("shop"), { target: { clear: true } })).toMatchObject({ matched: 3, deleted: 3 });
    expect(await allKeys()).toEqual([...keep].sort());
  });
});

describe("jobs through the service", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cachescope-invalidate-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function finished(registry: JobRegistry, id: string): Promise<Job> {
    for (;;) {
      const job = registry.get(id);
      if (!job) throw new Error("job vanished");
      if (job.state !== "running" && job.finishedAt !== null) {
        // onEnd (the audit line) runs right after finishedAt is set.
        await new Promise((r) => setTimeout(r, 20));
        return job;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it("a second destructive job on the cache is refused with 409; both dry run and job are audited", async () => {
    await load(
      raw,
      Array.from({ length: 50_000 }, (_, i) => `:1:j.${i}`),
    );
    const registry = new JobRegistry();
    const auditLog = path.join(dir, "audit.log");
    const ctx = { cache: config(), backend: backendOf(config()), actor: "token", role: "admin" as const, auditLog, registry };

    const dry = await invalidate(ctx, parseInvalidateRequest({ target: { prefix: "j." } }));
    expect(dry).toMatchObject({ dryRun: true, result: { matched: 50_000 } });

    const first = await invalidate(ctx, parseInvalidateRequest({ target: { prefix: "j." }, dryRun: false }));
    if (first.dryRun) throw new Error("expected a job");
    await expect(invalidate(ctx, parseInvalidateRequest({ target: { prefix: "x." }, dryRun: false }))).rejects.toMatchObject({
      code: "job_running",
    });

    const job = await finished(registry, first.job.id);
    expect(job).toMatchObject({ state: "done", kind: "purge", matched: 50_000, deleted: 50_000, total: 50_000 });
    expect(await raw.dbsize()).toBe(0);

    const audit = await readAuditActions(auditLog, 10);
    expect(audit.map((e) => [e.action, e.dryRun, e.matched, e.deleted, e.outcome])).toEqual([
      ["purge", false, 50_000, 50_000, "done"],
      ["purge", true, 50_000, null, "dry run"],
    ]);
    expect(audit[0]).toMatchObject({
      actor: "token",
      role: "admin",
      alias: "default",
      target: { prefix: "j.", allVersions: false },
      job: job.id,
    });
    // Intent first, progress as batches were deleted (each total at least the one before), the outcome last.
    const records = (await readAudit(auditLog, 1000)).filter((e) => e.id === audit[0].id).reverse();
    expect(records[0]).toMatchObject({ phase: "intent", deleted: null });
    expect(records.at(-1)).toMatchObject({ phase: "outcome", deleted: 50_000 });
    const steps = records.filter((e) => e.phase === "progress").map((e) => e.deleted ?? -1);
    expect(steps.length).toBeGreaterThan(1);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    expect(audit[0].records).toBe(records.length);
  });

  it("cancelling records who asked; the job ends cancelled with what it deleted, and the rest stays", async () => {
    await load(
      raw,
      Array.from({ length: 50_000 }, (_, i) => `:1:j.${i}`),
    );
    const registry = new JobRegistry();
    const auditLog = path.join(dir, "cancel.log");
    const ctx = { cache: config(), backend: backendOf(config()), actor: "token", role: "admin" as const, auditLog, registry };
    const canceller = { actor: "session:abc", role: "admin" as const };
    const started = await invalidate(ctx, parseInvalidateRequest({ target: { prefix: "j." }, dryRun: false }));
    if (started.dryRun) throw new Error("expected a job");
    expect(await cancelJob(registry, started.job.id, canceller, auditLog)).toMatchObject({ id: started.job.id });
    const job = await finished(registry, started.job.id);
    expect(job.state).toBe("cancelled");
    expect(await raw.dbsize()).toBe(50_000 - job.deleted);
    const audit = await readAuditActions(auditLog, 10);
    expect(audit.map((e) => [e.action, e.actor, e.outcome])).toEqual([
      ["purge", "token", "cancelled"],
      ["cancel", "session:abc", "cancel requested"],
    ]);
    expect(audit[1]).toMatchObject({ job: started.job.id, records: 2 });
    // A finished job is answered as it is, and nothing more is recorded.
    const written = (await readAudit(auditLog, 1000)).length;
    expect(await cancelJob(registry, started.job.id, canceller, auditLog)).toMatchObject({ state: "cancelled" });
    expect(await cancelJob(registry, "nope", canceller, auditLog)).toBeUndefined();
    expect(await readAudit(auditLog, 1000)).toHaveLength(written);
  });
});
