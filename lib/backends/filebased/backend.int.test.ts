import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toApiError } from "@/lib/api/errors";
import { decodeEntry } from "@/lib/codecs/decode";
import { makeKey } from "@/lib/django/keys";
import { django, fileCacheConfig, type WrittenEntry } from "@/test/django-filebased/django";
import { planFor } from "@/lib/invalidate/plan";
import { execute } from "@/lib/invalidate/run";
import type { Target } from "@/lib/invalidate/target";
import { filebased as filebasedDescriptor } from "@/lib/backends/filebased";
const createFileBasedBackend = filebasedDescriptor.create;
import { fileCacheHealth } from "@/lib/backends/filebased/maintenance";
import { FileCacheError } from "@/lib/backends/filebased/errors";
import type { CacheBackend, KeyRow } from "@/lib/backends/types";

const roots: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cachescope-fb-"));
  roots.push(dir);
  return path.join(dir, "cache");
}
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

const all = { prefix: "", cursor: null, count: 1000, withMeta: true } as const;

/** Runs an invalidation target the way the app's job does (lib/invalidate). */
function invalidate(backend: CacheBackend, target: Target) {
  return execute(
    backend,
    planFor({ config: backend.config, capabilities: backend.capabilities }, { target, allVersions: false, dryRun: false }),
  );
}

async function listAll(backend: CacheBackend, count: number, sort?: "name" | "size" | "expiry"): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await backend.listKeys({ prefix: "", cursor, count, withMeta: false, sort });
    rows.push(...page.keys);
    cursor = page.cursor;
    if (++pages > 1000) throw new Error("cursor never ends");
  } while (cursor !== null);
  return rows;
}

describe("FileBasedCache written by Django 3.2", () => {
  let dir: string;
  let entries: WrittenEntry[];
  let backend: CacheBackend;
  const byKey = (key: string) => entries.find((e) => e.key === key) as WrittenEntry;

  beforeAll(() => {
    dir = tempDir();
    entries = django<{ entries: WrittenEntry[] }>("write", dir).entries;
    backend = createFileBasedBackend(fileCacheConfig(dir));
  });

  it("lists every entry by file with size, ttl, expiry and the kind guessed from the value", async () => {
    const page = await backend.listKeys(all);
    expect(page.cursor).toBeNull();
    expect(page.keys.map((r) => r.file).sort()).toEqual(entries.map((e) => e.file).sort());
    for (const row of page.keys) {
      const written = entries.find((e) => e.file === row.file) as WrittenEntry;
      expect(row.raw).toBeNull();
      expect(row.type).toBe("file");
      expect(row.size).toBe(statSync(path.join(dir, `${row.file}.djcache`)).size);
      expect(row.kindHint, written.key).toBe(written.kind);
      expect(row.expired, written.key).toBe(written.timeout === 0);
      if (written.timeout === null) expect(row.ttl).toBeNull();
      else if (written.timeout > 0) {
        expect(row.ttl).toBeGreaterThan(written.timeout - 60);
        expect(row.ttl).toBeLessThanOrEqual(written.timeout);
      } else expect(row.ttl).toBeLessThanOrEqual(0);
      expect((row.preview ?? "").length).toBeGreaterThan(0);
      expect((row.preview ?? "").length).toBeLessThanOrEqual(120);
    }
    const preview = (key: string) => page.keys.find((r) => r.file === byKey(key).file)?.preview;
    expect(preview("price")).toBe("Decimal('19.99')");
    expect(preview("user:42:profile")).toContain("'name': 'Ada'");
    const html = entries.find((e) => e.kind === "page" && e.key.includes(".GET.") && e.timeout === 600) as WrittenEntry;
    expect(page.keys.find((r) => r.file === html.file)?.preview).toMatch(/^200 text\/html; charset=utf-8 .*Products/);
  });

  it("pages by name with a cursor: every file once, in order", async () => {
    const rows = await listAll(backend, 5);
    const files = rows.map((r) => r.file as string);
    expect(files).toEqual([...files].sort());
    expect(new Set(files).size).toBe(files.length);
    expect(files.length).toBe(readdirSync(dir).filter((n) => n.endsWith(".djcache")).length);
  });

  it("sorts by size (largest first) and by expiry (expired first, never-expiring last)", async () => {
    const bySize = await listAll(backend, 4, "size");
    const sizes = bySize.map((r) => statSync(path.join(dir, `${r.file}.djcache`)).size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    const byExpiry = await listAll(backend, 4, "expiry");
    expect(byExpiry[0].file).toBe(byKey("gone").file);
    expect(byExpiry[byExpiry.length - 1].file).toBe(byKey("greeting").file);
    expect(byExpiry.length).toBe(entries.length);
  });

  it("refuses a cursor from another sort order", async () => {
    const first = await backend.listKeys({ prefix: "", cursor: null, count: 2, withMeta: false, sort: "size" });
    await expect(backend.listKeys({ prefix: "", cursor: first.cursor, count: 2, withMeta: false })).rejects.toMatchObject({
      code: "invalid_cursor",
    });
  });

  it("reads an exact key (md5 of the final key) and a file, with the bytes Django wrote", async () => {
    const profile = byKey("user:42:profile");
    const raw = makeKey("user:42:profile", "", 1);
    const entry = await backend.readEntry({ raw }, 1 << 20);
    expect(entry?.file).toBe(profile.file);
    expect(entry?.raw).toBe(raw);
    expect(Buffer.from(entry?.bytes as Uint8Array)).toEqual(readFileSync(path.join(dir, `${profile.file}.djcache`)));
    expect(entry?.ttl).toBeGreaterThan(500);
    const decoded = decodeEntry(entry?.bytes as Uint8Array, entry?.hint ?? { source: "filebased" });
    expect(decoded.value).toMatchObject({ type: "dict" });
    const byFile = await backend.readEntry({ file: profile.file }, 1 << 20);
    expect(byFile?.size).toBe(entry?.size);
    expect(await backend.readEntry({ raw: makeKey("never-set", "", 1) }, 1024)).toBeNull();
  });

  it("reads an expired entry and says Django would treat it as a miss", async () => {
    const entry = await backend.readEntry({ file: byKey("gone").file }, 1 << 20);
    expect(entry?.ttl).toBeLessThanOrEqual(0);
    expect(entry?.notes?.join(" ")).toMatch(/Expired/);
  });

  it("cuts a read at maxBytes and reports the whole length", async () => {
    const page = entries.find((e) => e.kind === "page") as WrittenEntry;
    const entry = await backend.readEntry({ file: page.file }, 40);
    expect(entry?.bytes?.length).toBe(40);
    expect(entry?.valueLength).toBe(statSync(path.join(dir, `${page.file}.djcache`)).size);
  });

  it("iterates every entry with sizes and expiry", async () => {
    const rows: KeyRow[] = [];
    for await (const batch of backend.iterate({ prefix: "", batch: 5, withSizes: true })) rows.push(...batch);
    expect(rows.length).toBe(entries.length);
    expect(rows.filter((r) => r.expired).map((r) => r.file)).toEqual([byKey("gone").file]);
    expect(rows.every((r) => typeof r.size === "number" && r.size > 0)).toBe(true);
  });

  it("refuses a key prefix, saying why", async () => {
    await expect(backend.listKeys({ ...all, prefix: ":1:user" })).rejects.toThrow(/md5/);
    await expect(backend.listKeys({ ...all, prefix: ":1:user" })).rejects.toBeInstanceOf(FileCacheError);
    const iterate = async () => {
      for await (const batch of backend.iterate({ prefix: ":1:", batch: 10, withSizes: false })) void batch;
    };
    await expect(iterate()).rejects.toMatchObject({ code: "prefix_unsupported" });
    const answered = await backend.listKeys({ ...all, prefix: "x" }).catch((e: unknown) => toApiError(e));
    expect(answered).toMatchObject({ status: 400, code: "prefix_unsupported" });
  });

  it("refuses file names that are not 32 lowercase hex (no path can leave the directory)", async () => {
    const bad = ["../../etc/passwd", "A".repeat(32), "0".repeat(31), `${"0".repeat(32)}.djcache`, "", `${"0".repeat(31)}/`];
    for (const file of bad) {
      await expect(backend.readEntry({ file }, 10), file).rejects.toMatchObject({ code: "invalid_file" });
      await expect(backend.deleteEntries([{ file }]), file).rejects.toMatchObject({ code: "invalid_file" });
    }
  });

  it("reports no counters", async () => {
    const stats = await backend.stats();
    expect(stats.supported).toBe(false);
    expect(stats.reason).toBe("FileBasedCache keeps no hit/miss counters");
    expect(backend.capabilities).toMatchObject({ listKeys: true, invalidatePrefix: false, serverStats: false, ttl: true, sizes: true });
    expect((await backend.status()).ok).toBe(true);
  });
});

describe("FileBasedCache edge cases", () => {
  it("agrees with Django on which entries are expired (and Django then deletes them)", async () => {
    const dir = tempDir();
    const { entries } = django<{ entries: WrittenEntry[] }>("write", dir);
    const backend = createFileBasedBackend(fileCacheConfig(dir));
    const rows = (await backend.listKeys(all)).keys;
    for (const e of entries) {
      const row = rows.find((r) => r.file === e.file) as KeyRow;
      if (e.kind !== "key") continue;
      const got = django<{ hit: boolean }>("get", dir, { key: e.key });
      expect(got.hit, e.key).toBe(!row.expired);
      expect(existsSync(path.join(dir, `${e.file}.djcache`)), e.key).toBe(!row.expired);
    }
    expect(rows.filter((r) => r.expired).length).toBe(1);
  });

  it("reads a directory too big for one thread message (work spread over the reader threads)", async () => {
    const dir = tempDir();
    const { files } = django<{ files: number }>("bulk", dir, { count: 2000 });
    const backend = createFileBasedBackend(fileCacheConfig(dir));
    const rows: KeyRow[] = [];
    let scanned = 0;
    const onScanned = (n: number) => (scanned += n);
    for await (const batch of backend.iterate({ prefix: "", batch: 300, withSizes: true, onScanned })) rows.push(...batch);
    expect(rows.length).toBe(files);
    expect(scanned).toBe(files);
    expect(new Set(rows.map((r) => r.file)).size).toBe(files);
    for (const row of rows.slice(0, 50).concat(rows.slice(-50))) {
      expect(row.size).toBe(statSync(path.join(dir, `${row.file}.djcache`)).size);
    }
    // bulk: every 4th entry never expires, the rest in a day
    expect(rows.filter((r) => r.ttl === null).length).toBe(500);
    expect(rows.filter((r) => typeof r.ttl === "number" && r.ttl > 86_000).length).toBe(1500);
    const bySize = await listAll(backend, 1000, "size");
    const sizes = bySize.map((r) => statSync(path.join(dir, `${r.file}.djcache`)).size);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect((await backend.listKeys({ prefix: "", cursor: null, count: 5, withMeta: false, sort: "expiry" })).scanned).toBe(2000);
  });

  it("decodes a touch()ed file whose old stream left trailing bytes", async () => {
    const dir = tempDir();
    const touched = django<{ file: string }>("touch-shrink", dir);
    const backend = createFileBasedBackend(fileCacheConfig(dir));
    const entry = await backend.readEntry({ file: touched.file }, 1 << 20);
    expect(entry?.ttl).toBeNull();
    const decoded = decodeEntry(entry?.bytes as Uint8Array, { source: "filebased" });
    expect(decoded.error).toBeUndefined();
    expect(decoded.value).toEqual({ type: "list", items: Array.from({ length: 50 }, (_, i) => ({ type: "int", value: String(i) })) });
    const [row] = (await backend.listKeys({ prefix: "", cursor: null, count: 10, withMeta: true })).keys;
    expect(row.ttl).toBeNull();
    expect(row.preview).toMatch(/^\[0, 1, 2/);
  });

  it("shows truncated, empty and garbage files as undecodable entries instead of failing", async () => {
    const dir = tempDir();
    const { entries } = django<{ entries: WrittenEntry[] }>("write", dir);
    const page = entries.find((e) => e.kind === "page") as WrittenEntry;
    const whole = readFileSync(path.join(dir, `${page.file}.djcache`));
    const truncated = "a".repeat(32);
    const empty = "b".repeat(32);
    const garbage = "c".repeat(32);
    writeFileSync(path.join(dir, `${truncated}.djcache`), whole.subarray(0, whole.length >> 1));
    writeFileSync(path.join(dir, `${empty}.djcache`), "");
    writeFileSync(path.join(dir, `${garbage}.djcache`), "<html>not a cache file</html>");
    const directory = "d".repeat(32);
    mkdirSync(path.join(dir, `${directory}.djcache`));
    const backend = createFileBasedBackend(fileCacheConfig(dir));

    for (const file of [truncated, empty, garbage]) {
      const entry = await backend.readEntry({ file }, 1 << 20);
      expect(entry?.bytes, file).not.toBeNull();
      const decoded = decodeEntry(entry?.bytes as Uint8Array, { source: "filebased" });
      expect(decoded.value, file).toBeNull();
      expect(decoded.error, file).toMatch(/undecodable/);
    }
    expect(await backend.readEntry({ file: directory }, 1024)).toBeNull();
    const rows = (await backend.listKeys({ prefix: "", cursor: null, count: 100, withMeta: true })).keys;
    const row = (file: string) => rows.find((r) => r.file === file) as KeyRow;
    expect(rows.some((r) => r.file === directory)).toBe(false);
    expect(row(empty).expired).toBe(true);
    expect(row(truncated).expired).toBe(false);
    expect(row(truncated).ttl).toBeGreaterThan(0);
    expect(row(truncated).kindHint).toBeUndefined();
    expect(row(garbage).ttl).toBeUndefined();
    expect(row(garbage).preview).toMatch(/undecodable/);

    const health = await fileCacheHealth(fileCacheConfig(dir));
    // Django's glob counts the directory too (against MAX_ENTRIES); it is not a file, so it is never opened.
    expect(health.entries).toBe(entries.length + 4);
    expect(health.unreadable).toBe(1);
    expect(health.notRegular).toBe(1);
    expect(health.expired).toBe(2); // "gone" and the empty file

    const purged = await invalidate(backend, { expired: true });
    expect(purged.deleted).toBe(2);
    expect(existsSync(path.join(dir, `${empty}.djcache`))).toBe(false);
    expect(existsSync(path.join(dir, `${garbage}.djcache`))).toBe(true);
    expect((await fileCacheHealth(fileCacheConfig(dir))).expired).toBe(0);
  });

  it("deletes a file listed as expired only while it still is: a fresh entry written since stays", async () => {
    const dir = tempDir();
    const { entries } = django<{ entries: WrittenEntry[] }>("write", dir);
    const backend = createFileBasedBackend(fileCacheConfig(dir));
    const rows = (await backend.listKeys({ prefix: "", cursor: null, count: 100, withMeta: true })).keys;
    const expired = rows.filter((r) => r.expired === true);
    expect(expired.length).toBe(1);
    const gone = entries.find((e) => e.file === expired[0].file) as WrittenEntry;
    // Django writes the key afresh after the listing: the file now holds a live entry.
    django("set", dir, { key: gone.key, value: "fresh", timeout: 600 });
    expect(await backend.deleteListed(expired)).toBe(0);
    expect(django<{ hit: boolean }>("get", dir, { key: gone.key }).hit).toBe(true);
  });

  it("drops a file deleted between listing and opening, and answers null for it", async () => {
    const dir = tempDir();
    const { entries } = django<{ entries: WrittenEntry[] }>("write", dir);
    const backend = createFileBasedBackend(fileCacheConfig(dir));
    const listed = await backend.listKeys({ prefix: "", cursor: null, count: 100, withMeta: false });
    const victim = listed.keys[0].file as string;
    unlinkSync(path.join(dir, `${victim}.djcache`));
    expect(await backend.readEntry({ file: victim }, 1024)).toBeNull();
    // The name listing is still the cached one: the row for the vanished file is left out, not an error.
    const rows = (await backend.listKeys({ prefix: "", cursor: null, count: 100, withMeta: true })).keys;
    expect(rows.length).toBe(entries.length - 1);
    expect(rows.some((r) => r.file === victim)).toBe(false);
    expect(await backend.deleteEntries([{ file: victim }])).toBe(0);
  });

  it("deletes by file and by raw key, only that file", async () => {
    const dir = tempDir();
    const { entries } = django<{ entries: WrittenEntry[] }>("write", dir);
    const backend = createFileBasedBackend(fileCacheConfig(dir));
    const [a, b] = entries;
    expect(await backend.deleteEntries([{ file: a.file }, { raw: b.rawKey }])).toBe(2);
    expect(readdirSync(dir).length).toBe(entries.length - 2);
    expect(django<{ hit: boolean }>("get", dir, { key: a.key }).hit).toBe(false);
    const rows = await listAll(backend, 100);
    expect(await backend.deleteListed(rows.slice(0, 3))).toBe(3);
    expect(readdirSync(dir).length).toBe(entries.length - 5);
  });

  it("shows culling: Django keeps the count under MAX_ENTRIES and health says when the cache is at its cap", async () => {
    const dir = tempDir();
    const options = { MAX_ENTRIES: 10, CULL_FREQUENCY: 3 };
    const { files } = django<{ files: number }>("cull", dir, { options, count: 25 });
    expect(files).toBeLessThanOrEqual(10);
    const health = await fileCacheHealth(fileCacheConfig(dir, options));
    expect(health).toMatchObject({ entries: files, maxEntries: 10, cullFrequency: 3, atCap: files >= 10, expired: 0 });
    expect(health.totalBytes).toBe(readdirSync(dir).reduce((n, f) => n + statSync(path.join(dir, f)).size, 0));
    const atCap = await fileCacheHealth(fileCacheConfig(dir, { MAX_ENTRIES: String(files) }));
    expect(atCap.atCap).toBe(true);
    const defaults = await fileCacheHealth(fileCacheConfig(dir, { MAX_ENTRIES: "lots" }));
    expect(defaults).toMatchObject({ maxEntries: 300, cullFrequency: 3, atCap: false });
  });

  it("clear deletes only *.djcache files: decoys, temp files and subdirectories survive", async () => {
    const dir = tempDir();
    const { entries } = django<{ entries: WrittenEntry[] }>("write", dir);
    writeFileSync(path.join(dir, "notes.txt"), "keep me");
    writeFileSync(path.join(dir, "tmpab12_xyz"), "half-written");
    mkdirSync(path.join(dir, "sub.djcache"));
    writeFileSync(path.join(dir, "custom.djcache"), "x");
    const health = await fileCacheHealth(fileCacheConfig(dir));
    expect(health.tempFiles).toBe(1);
    // Like Django's glob, every "*.djcache" name counts against MAX_ENTRIES; the stray file cannot be read, and the
    // directory is not a file at all (never opened).
    expect(health.entries).toBe(entries.length + 2);
    expect(health.unreadable).toBe(1);
    expect(health.notRegular).toBe(1);
    const result = await invalidate(createFileBasedBackend(fileCacheConfig(dir)), { clear: true });
    // Entry files are md5 names: "custom.djcache" is not one Django writes, so it is left like the other strays.
    expect(result.deleted).toBe(entries.length);
    expect(readdirSync(dir).sort()).toEqual(["custom.djcache", "notes.txt", "sub.djcache", "tmpab12_xyz"]);
  });

  it("explains a directory that does not exist or is not a directory", async () => {
    const missing = createFileBasedBackend(fileCacheConfig(path.join(tempDir(), "nope")));
    const status = await missing.status();
    expect(status.ok).toBe(false);
    expect(status.error).toMatch(/does not exist/);
    await expect(missing.listKeys(all)).rejects.toMatchObject({ code: "directory_unavailable" });
    await expect(fileCacheHealth(missing.config)).rejects.toThrow(/does not exist/);
    expect(await missing.readEntry({ file: "0".repeat(32) }, 10)).toBeNull();

    const dir = tempDir();
    mkdirSync(path.dirname(dir), { recursive: true });
    writeFileSync(dir, "a file, not a directory");
    const notDir = createFileBasedBackend(fileCacheConfig(dir));
    expect((await notDir.status()).error).toMatch(/not a directory/);
    await expect(notDir.listKeys(all)).rejects.toThrow(/not a directory/);

    const noLocation = createFileBasedBackend({ ...fileCacheConfig(dir), locations: [] });
    expect((await noLocation.status()).error).toMatch(/LOCATION/);
  });
});
