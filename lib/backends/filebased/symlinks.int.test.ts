import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { django, fileCacheConfig, type WrittenEntry } from "@/test/django-filebased/django";
import { planFor } from "@/lib/invalidate/plan";
import { execute } from "@/lib/invalidate/run";
import type { Target } from "@/lib/invalidate/target";
import { filebased as filebasedDescriptor } from "@/lib/backends/filebased";
const createFileBasedBackend = filebasedDescriptor.create;
import { fileCacheHealth } from "@/lib/backends/filebased/maintenance";
import { fileForRawKey } from "@/lib/backends/filebased/location";
import type { CacheBackend, KeyRow } from "@/lib/backends/types";

/**
 * Whoever can write a FileBasedCache directory is not trusted: a symlink planted under an entry's name must not make
 * the console read, serve or delete a file outside LOCATION. Real Django entries, real symlinks, real files.
 */

const roots: string[] = [];
afterAll(() => roots.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Scene {
  dir: string;
  outside: string;
  entries: WrittenEntry[];
  backend: CacheBackend;
  /** Entry names that are symlinks: to a real entry copied outside, to /etc/passwd, to a directory outside. */
  links: { toEntry: string; toPasswd: string; toDir: string };
  secretFile: string;
}

const EVIL_KEY = ":1:evil";

function scene(): Scene {
  const root = mkdtempSync(path.join(os.tmpdir(), "cachescope-fb-links-"));
  roots.push(root);
  const dir = path.join(root, "cache");
  const outside = path.join(root, "outside");
  mkdirSync(outside);
  const { entries } = django<{ entries: WrittenEntry[] }>("write", dir);
  // A file outside that decodes as a perfectly good entry: following the link would serve it.
  const secretFile = path.join(outside, "copied.djcache");
  copyFileSync(path.join(dir, `${entries[0].file}.djcache`), secretFile);
  writeFileSync(path.join(outside, "loot.txt"), "outside, must survive");
  const links = { toEntry: fileForRawKey(EVIL_KEY), toPasswd: "e".repeat(32), toDir: "d".repeat(32) };
  symlinkSync(secretFile, path.join(dir, `${links.toEntry}.djcache`));
  symlinkSync("/etc/passwd", path.join(dir, `${links.toPasswd}.djcache`));
  symlinkSync(outside, path.join(dir, `${links.toDir}.djcache`));
  // A symlinked directory under another name: Django never walks subdirectories, nor does the console.
  symlinkSync(outside, path.join(dir, "sub"));
  return { dir, outside, entries, backend: createFileBasedBackend(fileCacheConfig(dir)), links, secretFile };
}

const linkNames = (s: Scene) => Object.values(s.links);

async function everyRow(backend: CacheBackend, withMeta: boolean, sort: "name" | "size" | "expiry"): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  let cursor: string | null = null;
  do {
    const page = await backend.listKeys({ prefix: "", cursor, count: 7, withMeta, sort });
    rows.push(...page.keys);
    cursor = page.cursor;
  } while (cursor !== null);
  return rows;
}

async function iterated(backend: CacheBackend, withSizes: boolean): Promise<KeyRow[]> {
  const rows: KeyRow[] = [];
  for await (const batch of backend.iterate({ prefix: "", batch: 5, withSizes })) rows.push(...batch);
  return rows;
}

function run(backend: CacheBackend, target: Target) {
  return execute(
    backend,
    planFor({ config: backend.config, capabilities: backend.capabilities }, { target, allVersions: false, dryRun: false }),
  );
}

function stillThere(s: Scene) {
  for (const name of linkNames(s)) expect(lstatSync(path.join(s.dir, `${name}.djcache`)).isSymbolicLink()).toBe(true);
  expect(existsSync(s.secretFile)).toBe(true);
  expect(readFileSync(path.join(s.outside, "loot.txt"), "utf8")).toBe("outside, must survive");
  expect(readFileSync("/etc/passwd", "utf8")).toMatch(/^root:/);
}

describe("FileBasedCache and symlinks in LOCATION", () => {
  it("lists only the regular files, in every order and with or without metadata", async () => {
    const s = scene();
    const real = s.entries.map((e) => e.file).sort();
    for (const sort of ["name", "size", "expiry"] as const) {
      for (const withMeta of [false, true]) {
        const files = (await everyRow(s.backend, withMeta, sort)).map((r) => r.file).sort();
        expect(files, `${sort} ${withMeta}`).toEqual(real);
      }
    }
    for (const withSizes of [false, true]) expect((await iterated(s.backend, withSizes)).map((r) => r.file).sort()).toEqual(real);
  });

  it("serves no symlink: by file, by the raw key that hashes to it, or through the entry route (404)", async () => {
    const s = scene();
    for (const file of linkNames(s)) expect(await s.backend.readEntry({ file }, 1 << 20), file).toBeNull();
    expect(await s.backend.readEntry({ raw: EVIL_KEY }, 1 << 20)).toBeNull();
    // The real entry it copies is served as usual: the refusal is about the link, not the bytes.
    expect(await s.backend.readEntry({ file: s.entries[0].file }, 1 << 20)).not.toBeNull();

    const holder = globalThis as unknown as { __cachescope?: unknown };
    const saved = { ...process.env };
    holder.__cachescope = undefined;
    Object.assign(process.env, {
      CACHESCOPE_TOKEN: "symlink-test-token-0123456789",
      CACHESCOPE_CACHES: JSON.stringify({ files: { BACKEND: "django.core.cache.backends.filebased.FileBasedCache", LOCATION: s.dir } }),
      CACHESCOPE_AUDIT_LOG: path.join(s.outside, "..", "audit.log"),
    });
    try {
      const { GET, DELETE } = await import("@/app/api/caches/[alias]/entry/route");
      const call = (method: "GET" | "DELETE", query: string) =>
        (method === "GET" ? GET : DELETE)(
          new NextRequest(`http://localhost/api/caches/files/entry?${query}`, {
            method,
            headers: { authorization: "Bearer symlink-test-token-0123456789" },
          }),
          { params: Promise.resolve({ alias: "files" }) },
        );
      for (const file of linkNames(s)) expect((await call("GET", `file=${file}`)).status, file).toBe(404);
      expect((await call("GET", `raw=${encodeURIComponent(EVIL_KEY)}`)).status).toBe(404);
      const del = await call("DELETE", `file=${s.links.toEntry}`);
      expect(del.status).toBe(200);
      expect(await del.json()).toMatchObject({ deleted: 0 });
    } finally {
      process.env = saved;
      holder.__cachescope = undefined;
    }
    stillThere(s);
  });

  it("deletes nothing through a symlink: by file, by raw key, by a listed row, or by clear", async () => {
    const s = scene();
    expect(await s.backend.deleteEntries(linkNames(s).map((file) => ({ file })))).toBe(0);
    expect(await s.backend.deleteEntries([{ raw: EVIL_KEY }])).toBe(0);
    expect(await s.backend.deleteListed(linkNames(s).map((file) => ({ raw: null, file, type: "file", expired: true })))).toBe(0);
    stillThere(s);
    const cleared = await run(s.backend, { clear: true });
    expect(cleared.deleted).toBe(s.entries.length);
    stillThere(s);
    expect(readdirSync(s.dir).sort()).toEqual([...linkNames(s).map((f) => `${f}.djcache`), "sub"].sort());
  });

  it("an entry swapped for a symlink after it was listed is neither served nor deleted through", async () => {
    const s = scene();
    const rows = await iterated(s.backend, true);
    const victim = s.entries[1].file;
    const name = path.join(s.dir, `${victim}.djcache`);
    unlinkSync(name);
    symlinkSync(s.secretFile, name);
    expect(await s.backend.readEntry({ file: victim }, 1 << 20)).toBeNull();
    // Listed as expired or not, the swapped name is left alone; the other rows go.
    const mine = rows.filter((r) => r.file === victim);
    expect(await s.backend.deleteListed(mine)).toBe(0);
    expect(await s.backend.deleteListed(mine.map((r) => ({ ...r, expired: true })))).toBe(0);
    expect(lstatSync(name).isSymbolicLink()).toBe(true);
    expect(existsSync(s.secretFile)).toBe(true);
  });

  it("health counts the planted names as Django would, and says what they are", async () => {
    const s = scene();
    const health = await fileCacheHealth(s.backend.config);
    expect(health.notRegular).toBe(3);
    expect(health.entries).toBe(s.entries.length + 3);
    expect(health.unreadable).toBe(0);
    const report = await s.backend.health?.();
    expect(report?.warnings.join(" ")).toMatch(/3 "\.djcache" name\(s\) are symlinks or directories/);
  });

  it("follows a LOCATION that is itself a symlink (the operator configured it), but nothing inside", async () => {
    const s = scene();
    const alias = path.join(path.dirname(s.dir), "via-link");
    symlinkSync(s.dir, alias);
    const backend = createFileBasedBackend(fileCacheConfig(alias));
    expect((await backend.status()).ok).toBe(true);
    expect((await everyRow(backend, true, "name")).map((r) => r.file).sort()).toEqual(s.entries.map((e) => e.file).sort());
    expect(await backend.readEntry({ file: s.links.toPasswd }, 1024)).toBeNull();
    expect(await backend.readEntry({ file: s.entries[0].file }, 1024)).not.toBeNull();
  });
});
