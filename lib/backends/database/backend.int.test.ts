import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { analyse } from "@/lib/analysis/run";
import { readAuditActions } from "@/lib/audit/log";
import { listKeys } from "@/lib/browse/list-keys";
import { readEntryView } from "@/lib/browse/read-entry";
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { planFor } from "@/lib/invalidate/plan";
import { execute } from "@/lib/invalidate/run";
import { invalidate } from "@/lib/invalidate/service";
import { parseInvalidateRequest } from "@/lib/invalidate/target";
import { JobRegistry, type Job } from "@/lib/jobs/registry";
import { startMariadb, startPostgres, type DatabaseServer } from "@/test/databases";
import { databaseCacheConfig, django } from "@/test/django-database/django";
import { openSql, type Sql } from "./driver";
import { databaseSettings } from "./settings";
import { database } from ".";

/**
 * DatabaseCache on real PostgreSQL 15 (port 5443) and MariaDB (port 3343), with a real Django 3.2 writing the rows:
 * Django's kinds and versions, LIKE decoys, expired rows, hostile values, the invalidation jobs, sizes, health and
 * faults. Each server is started once for this file.
 */

const TABLE = "dj_cache";
let dir: string;
const servers: Record<"pg" | "my", DatabaseServer | undefined> = { pg: undefined, my: undefined };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "cachescope-db-"));
  [servers.pg, servers.my] = await Promise.all([startPostgres(5443), startMariadb(3343)]);
  for (const s of [servers.pg, servers.my]) django("createtable", s.entry, TABLE);
}, 120_000);

afterAll(async () => {
  await Promise.all([servers.pg?.stop(), servers.my?.stop()]);
  await rm(dir, { recursive: true, force: true });
});

for (const [vendor, key] of [
  ["PostgreSQL", "pg"],
  ["MariaDB", "my"],
] as const) {
  describe(`DatabaseCache on ${vendor}`, () => {
    const server = () => servers[key] as DatabaseServer;
    const opened: CacheBackend[] = [];
    const sqls: Sql[] = [];
    let cfg: CacheConfig;

    const backendOf = (c: CacheConfig = cfg): CacheBackend => {
      const b = database.create(c);
      opened.push(b);
      return b;
    };
    /** Direct SQL on the test database (rows Django would never write, and the truth to compare with). */
    const sql = (): Sql => {
      const s = openSql(databaseSettings(cfg));
      sqls.push(s);
      return s;
    };
    const rawKeys = async (): Promise<string[]> =>
      (await sql().rows<{ cache_key: string }>(`SELECT cache_key FROM ${TABLE} ORDER BY cache_key`)).map((r) => r.cache_key).sort();

    beforeEach(async () => {
      cfg = databaseCacheConfig(server().entry, TABLE);
      await sql().run(`DELETE FROM ${TABLE}`);
      django("write", server().entry, TABLE);
    });

    afterAll(async () => {
      await Promise.all([...opened.map((b) => b.close()), ...sqls.map((s) => s.close())]);
    });

    it("lists Django's rows in its terms: kinds, versions, expiry, sizes from the value's length", async () => {
      const page = await listKeys(backendOf(), cfg, { prefix: "", cursor: null, count: 100, allVersions: true, raw: false });
      const byKey = new Map(page.keys.map((k) => [`${k.version}:${k.key}`, k]));
      expect(new Set(page.keys.map((k) => k.kind))).toEqual(new Set(["key", "page", "page_header", "fragment", "session"]));
      expect(byKey.get("1:greeting")).toMatchObject({ ttl: null, type: "row", expired: false });
      expect(byKey.get("1:counter")?.ttl).toBeGreaterThan(3500);
      expect(byKey.get("1:gone")).toMatchObject({ expired: true });
      expect(byKey.has("1:shared") && byKey.has("2:shared")).toBe(true);
      const [truth] = await sql().rows<{ n: number | string }>(`SELECT LENGTH(value) AS n FROM ${TABLE} WHERE cache_key = ':1:greeting'`);
      expect(byKey.get("1:greeting")?.size).toBe(Number(truth.n));
      // The current version only (the default listing): version 2's row is not there.
      const current = await listKeys(backendOf(), cfg, { prefix: "shared", cursor: null, count: 100, allVersions: false, raw: false });
      expect(current.keys.map((k) => k.raw)).toEqual([":1:shared"]);
    });

    it("pages with a keyset cursor that sees every row once", async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await backendOf().listKeys({ prefix: "", cursor, count: 3, withMeta: false });
        expect(page.keys.length).toBeLessThanOrEqual(3);
        seen.push(...page.keys.map((k) => k.raw as string));
        cursor = page.cursor;
      } while (cursor !== null);
      expect(seen.sort()).toEqual(await rawKeys());
    });

    it('matches a prefix literally: "%", "_" and "\\" in keys never widen it, and case is kept', async () => {
      const list = async (prefix: string) =>
        (await listKeys(backendOf(), cfg, { prefix, cursor: null, count: 100, allVersions: false, raw: false })).keys.map((k) => k.key);
      expect(await list("like%")).toEqual(["like%all"]);
      expect(await list("like_")).toEqual(["like_one"]);
      expect(await list("back\\s")).toEqual(["back\\slash"]);
      expect(await list("LIKE")).toEqual([]);
      expect(await list("like\0")).toEqual([]);
      expect((await list("like")).sort()).toEqual(["like%all", "likeXall", "likeZone", "like_one"].sort());
    });

    it("opens an entry decoded from base64 pickle (through the decode pool): values, a cached page, a session", async () => {
      const greeting = await readEntryView(backendOf(), cfg, { raw: ":1:greeting" });
      expect(greeting).toMatchObject({ key: "greeting", value: { type: "str", value: "hello world" }, ttl: null, type: "row" });
      expect(greeting?.encoding.format).toMatch(/^pickle protocol \d$/);
      const profile = await readEntryView(backendOf(), cfg, { raw: ":1:user:42:profile" });
      expect(JSON.stringify(profile?.value)).toContain("Ada");
      const page = (
        await listKeys(backendOf(), cfg, {
          prefix: "views.decorators.cache.cache_page.",
          cursor: null,
          count: 10,
          allVersions: false,
          raw: false,
        })
      ).keys;
      expect(page.length).toBe(2);
      const views = await Promise.all(page.map((k) => readEntryView(backendOf(), cfg, { raw: k.raw as string })));
      expect(views.map((v) => v?.response?.status)).toEqual([200, 200]);
      expect(views.some((v) => v?.response?.bodyText.includes("<h1>Products</h1>"))).toBe(true);
      const gone = await readEntryView(backendOf(), cfg, { raw: ":1:gone" });
      expect(gone?.notes.join(" ")).toMatch(/Expired/);
      expect(await readEntryView(backendOf(), cfg, { raw: ":1:absent" })).toBeNull();
    });

    it("shows a value that is not base64 or not a pickle as bytes, with the reason", async () => {
      const db = sql();
      const far = "'2099-01-01 00:00:00'";
      await db.run(`INSERT INTO ${TABLE} (cache_key, value, expires) VALUES (':1:bad64', 'not*base64!', ${far})`);
      await db.run(
        `INSERT INTO ${TABLE} (cache_key, value, expires) VALUES (':1:badpickle', '${Buffer.from("hello, not a pickle").toString("base64")}', ${far})`,
      );
      const bad64 = await readEntryView(backendOf(), cfg, { raw: ":1:bad64" });
      expect(bad64).toMatchObject({ value: null, hex: Buffer.from("not*base64!").toString("hex") });
      expect(bad64?.error).toMatch(/undecodable: not valid base64/);
      const badPickle = await readEntryView(backendOf(), cfg, { raw: ":1:badpickle" });
      expect(badPickle?.value).toBeNull();
      expect(badPickle?.error).toMatch(/undecodable: pickle/);
    });

    it("deletes by key: Django misses it afterwards, and a key differing only in case is not touched", async () => {
      const backend = backendOf();
      expect(await backend.deleteEntries([{ raw: ":1:GREETING" }, { raw: ":1:nul\0key" }])).toBe(0);
      expect(await backend.readEntry({ raw: ":1:nul\0key" }, 10)).toBeNull();
      expect(await backend.deleteEntries([{ raw: ":1:greeting" }])).toBe(1);
      expect(django<{ hit: boolean }>("get", server().entry, TABLE, { key: "greeting" }).hit).toBe(false);
      expect(django<{ hit: boolean }>("get", server().entry, TABLE, { key: "counter" }).hit).toBe(true);
    });

    it("invalidation jobs: URL, fragment, old versions, expired — exact counts, audited, only their rows", async () => {
      const registry = new JobRegistry();
      const auditLog = path.join(dir, `${key}-audit.log`);
      const ctx = (c: CacheConfig) => ({ cache: c, backend: backendOf(c), actor: "token", role: "admin" as const, auditLog, registry });
      const run = async (c: CacheConfig, target: unknown): Promise<Job> => {
        const answer = await invalidate(ctx(c), parseInvalidateRequest({ target, dryRun: false }));
        if (answer.dryRun) throw new Error("expected a job");
        return finished(registry, answer.job.id);
      };
      const before = await rawKeys();

      const dry = await invalidate(ctx(cfg), parseInvalidateRequest({ target: { url: "http://testserver/products/" } }));
      expect(dry).toMatchObject({ dryRun: true, result: { matched: 2 } });
      expect(await rawKeys()).toEqual(before);
      expect(await run(cfg, { url: "http://testserver/products/" })).toMatchObject({ state: "done", matched: 2, deleted: 2 });
      expect(await run(cfg, { fragment: { name: "sidebar" } })).toMatchObject({ state: "done", matched: 1, deleted: 1 });
      const v2 = databaseCacheConfig(server().entry, TABLE, { version: 2 });
      const old = before.filter((k) => k.startsWith(":1:")).length - 3;
      expect(await run(v2, { oldVersions: true })).toMatchObject({ state: "done", matched: old, deleted: old });
      expect(await rawKeys()).toEqual([":2:shared"]);

      django("write", server().entry, TABLE);
      expect(await run(cfg, { expired: true })).toMatchObject({ state: "done", matched: 1, deleted: 1 });
      expect(await rawKeys()).not.toContain(":1:gone");

      const audit = await readAuditActions(auditLog, 10);
      expect(audit.map((e) => [e.action, e.deleted, e.outcome])).toEqual([
        ["purge-expired", 1, "done"],
        ["purge-old-versions", old, "done"],
        ["invalidate-fragment", 1, "done"],
        ["invalidate-url", 2, "done"],
        ["invalidate-url", null, "dry run"],
      ]);
    });

    it("clear deletes only the rows under KEY_PREFIX; a prefix purge in batches stops exactly where it is cancelled", async () => {
      const db = sql();
      const far = "'2099-01-01 00:00:00'";
      const rows = Array.from({ length: 12_000 }, (_, i) => `('shop:1:item.${String(i).padStart(5, "0")}', 'gAR9lC4=', ${far})`);
      for (let i = 0; i < rows.length; i += 2000) {
        await db.run(`INSERT INTO ${TABLE} (cache_key, value, expires) VALUES ${rows.slice(i, i + 2000).join(", ")}`);
      }
      const shop = databaseCacheConfig(server().entry, TABLE, { keyPrefix: "shop" });
      const others = (await rawKeys()).filter((k) => !k.startsWith("shop:"));

      const controller = new AbortController();
      const plan = planFor(
        { config: shop, capabilities: backendOf(shop).capabilities },
        parseInvalidateRequest({ target: { prefix: "item." } }),
      );
      const progress = { scanned: 0, matched: 0, deleted: 0 };
      await expect(
        execute(backendOf(shop), plan, { signal: controller.signal, onBatch: async () => controller.abort() }, progress),
      ).rejects.toThrow();
      expect(progress.deleted).toBeGreaterThan(0);
      expect(progress.deleted).toBeLessThan(12_000);
      expect((await rawKeys()).filter((k) => k.startsWith("shop:")).length).toBe(12_000 - progress.deleted);

      const registry = new JobRegistry();
      const answer = await invalidate(
        { cache: shop, backend: backendOf(shop), actor: "token", role: "admin", auditLog: path.join(dir, `${key}-clear.log`), registry },
        parseInvalidateRequest({ target: { clear: true }, dryRun: false }),
      );
      if (answer.dryRun) throw new Error("expected a job");
      const job = await finished(registry, answer.job.id);
      expect(job).toMatchObject({ state: "done", deleted: 12_000 - progress.deleted });
      expect(await rawKeys()).toEqual(others);
    });

    it("sizes: the analysis adds up exactly what SUM(LENGTH(value)) says", async () => {
      const result = await analyse(backendOf(), cfg);
      const [truth] = await sql().rows<{ n: number | string; b: number | string }>(
        `SELECT COUNT(*) AS n, SUM(LENGTH(value)) AS b FROM ${TABLE} WHERE cache_key LIKE ':%'`,
      );
      expect(result.keys).toBe(Number(truth.n));
      expect(result.bytes).toBe(Number(truth.b));
      expect(result.byKind.find((k) => k.kind === "page")?.keys).toBe(2);
    });

    it("health: rows against MAX_ENTRIES, CULL_FREQUENCY, expired rows not yet culled, table and index sizes", async () => {
      const n = (await rawKeys()).length;
      const small = databaseCacheConfig(server().entry, TABLE, { options: { MAX_ENTRIES: 5, CULL_FREQUENCY: 4 } });
      const report = await backendOf(small).health?.();
      const fact = (label: string) => report?.facts.find((f) => f.label === label);
      expect(fact("Rows")).toMatchObject({ value: String(n), warn: true });
      expect(fact("MAX_ENTRIES")?.value).toBe("5");
      expect(fact("CULL_FREQUENCY")?.value).toBe("1/4");
      expect(fact("Expired rows not yet culled")).toMatchObject({ value: "1", warn: true });
      expect(fact("Table size")?.value).toMatch(/\d+(\.\d)? (B|KiB|MiB)/);
      expect(fact("Index size")?.value).toMatch(/\d+(\.\d)? (B|KiB|MiB)/);
      expect(report?.warnings.join(" ")).toMatch(/over MAX_ENTRIES 5/);
      expect(await backendOf(small).limits?.()).toEqual({ maxEntries: 5, cullFrequency: 4, entries: n });
      const stats = await backendOf().stats();
      expect(stats).toMatchObject({ supported: false });
      expect(stats.reason).toMatch(/companion/);
    });

    it("faults: a missing table and a table of another shape are clear per-alias errors", async () => {
      const missing = await backendOf(databaseCacheConfig(server().entry, "no_such_table")).status();
      expect(missing.ok).toBe(false);
      expect(missing.error).toMatch(/"no_such_table" does not exist.*createcachetable/);
      await sql().run("CREATE TABLE IF NOT EXISTS other_shape (cache_key varchar(255) PRIMARY KEY, payload text)");
      const other = backendOf(databaseCacheConfig(server().entry, "other_shape"));
      expect((await other.status()).error).toMatch(/"other_shape" is not a Django cache table/);
      await expect(other.listKeys({ prefix: "", cursor: null, count: 10, withMeta: true })).rejects.toMatchObject({ code: "config" });
      // The good alias beside them still works.
      expect((await backendOf().status()).ok).toBe(true);
    });
  });
}

describe("DatabaseCache configuration faults (nothing is sent anywhere)", () => {
  it("no DATABASES entry, an ENGINE it does not read, SQLite: a config error on every call, never a throw at creation", async () => {
    const entry = { ENGINE: "django.db.backends.postgresql", NAME: "x", HOST: "127.0.0.1", PORT: "5442" };
    const noDb = databaseCacheConfig(entry, TABLE);
    delete noDb.connection;
    const sqlite = databaseCacheConfig({ ENGINE: "django.db.backends.sqlite3", NAME: "/tmp/db.sqlite3" }, TABLE);
    const oracle = databaseCacheConfig({ ENGINE: "django.db.backends.oracle", NAME: "x" }, TABLE);
    for (const [c, message] of [
      [noDb, /DATABASES has no "default"/],
      [sqlite, /SQLite is not supported/],
      [oracle, /is not one Cachescope reads/],
    ] as const) {
      const backend = database.create(c);
      expect((await backend.status()).error).toMatch(message);
      await expect(backend.readEntry({ raw: "x" }, 10)).rejects.toMatchObject({ code: "config" });
      await backend.close();
    }
  });
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
