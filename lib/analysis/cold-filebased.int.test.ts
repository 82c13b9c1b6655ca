import { mkdtemp, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filebased as filebasedDescriptor } from "@/lib/backends/filebased";
import { atimeOfDirectory } from "@/lib/backends/filebased/atime";
import type { CacheBackend } from "@/lib/backends/types";
import { django, fileCacheConfig } from "@/test/django-filebased/django";
import { analyse } from "./run";

/**
 * "Not read in the last day" for a FileBasedCache directory written and read by a real Django, from the files'
 * access times on this machine's filesystem (its mount mode decides what can be told).
 */

const DAY = 86400;

describe("FileBasedCache cold figures from access times", () => {
  let dir: string;
  let backend: CacheBackend;
  let files: string[];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cachescope-cold-"));
    files = django<{ files: string[] }>("seed", dir, { keys: ["never", "justread", "readlately"] }).files.map((f) =>
      path.join(dir, `${f}.djcache`),
    );
    const now = Date.now() / 1000;
    // Written three days ago; "never" not read since, "readlately" read 30 hours ago.
    await utimes(files[0], now - 3 * DAY, now - 3 * DAY);
    await utimes(files[1], now - 3 * DAY, now - 3 * DAY);
    await utimes(files[2], now - 30 * 3600, now - 3 * DAY);
    // A real read by Django: moves atime under relatime and strictatime alike (atime was not after mtime).
    expect(django<{ hit: boolean }>("get", dir, { key: "justread" }).hit).toBe(true);
    backend = filebasedDescriptor.create(fileCacheConfig(dir));
  });

  afterAll(async () => {
    await backend?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("counts files not read in the last day, by the mount's atime mode, without moving their atimes", async () => {
    const mount = await atimeOfDirectory(dir);
    const before = await stat(files[0]);
    const r = await analyse(backend, fileCacheConfig(dir));
    const root = r.cold.namespaces.find((n) => n.name === "");
    expect(root?.noExpiry.keys).toBe(3);
    if (mount?.mode === "noatime") {
      expect(r.cold.basis).toBeNull();
      expect(r.cold.note).toMatch(/noatime/);
      return;
    }
    expect(r.cold.basis).toBe("atime");
    // relatime: "readlately" may have been read up to a day after its atime, so only "never" is surely a day idle.
    expect(root?.idleOver24h?.keys).toBe(mount?.mode === "relatime" ? 1 : 2);
    expect(root?.idleOver1h === null).toBe(mount?.mode === "relatime");
    expect(r.warnings.some((w) => w.code === "idle_no_expiry")).toBe(true);
    // Opened O_NOATIME (the test runs as the files' owner): the analysis did not read "never" as far as atime tells.
    expect((await stat(files[0])).atimeMs).toBe(before.atimeMs);
  });
});
