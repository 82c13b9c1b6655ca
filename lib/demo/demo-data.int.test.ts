import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { filebased as filebasedDescriptor } from "@/lib/backends/filebased";
import { kindOf } from "@/lib/backends/registry";
const createFileBasedBackend = filebasedDescriptor.create;
import { decodeEntry } from "@/lib/codecs/decode";
import { loadConfig } from "@/lib/config/load";
import { kindOfKey, parseRawKey } from "@/lib/django/keys";
import { django, fileCacheConfig } from "@/test/django-filebased/django";
import { demoCacheDir, demoCaches } from "./caches";
import { DEMO_ENTRY_COUNT, ensureDemoData, expiryPickle } from "./demo-data";
import fixture from "./demo-entries.json";

const root = mkdtempSync(path.join(os.tmpdir(), "cachescope-demo-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the built-in demo", () => {
  const dir = demoCacheDir(root);

  it("is a FileBasedCache under the data directory and a DummyCache, as a CACHES setting", () => {
    const config = loadConfig({}, () => demoCaches(root));
    expect(config.demo).toBe(true);
    expect(config.caches.map((c) => [c.alias, kindOf(c), c.locations[0] ?? null])).toEqual([
      ["default", "filebased", dir],
      ["dummy", "dummy", null],
    ]);
  });

  it("writes Django's expiry header bytes", () => {
    expect(Buffer.from(expiryPickle(null)).toString("hex")).toBe("80054e2e");
    expect(Buffer.from(expiryPickle(1700000000.5)).toString("hex")).toBe("8005950a000000000000004741d954fc40200000" + "2e");
  });

  it("fills an empty directory once, through temp files, and leaves a filled one alone", async () => {
    expect(await ensureDemoData(dir)).toEqual({ written: DEMO_ENTRY_COUNT });
    const names = readdirSync(dir);
    expect(names.length).toBe(DEMO_ENTRY_COUNT);
    expect(names.every((n) => /^[0-9a-f]{32}\.djcache$/.test(n))).toBe(true);
    expect(await ensureDemoData(dir)).toEqual({ written: 0 });
    expect(readdirSync(dir).length).toBe(DEMO_ENTRY_COUNT);
  });

  it("lists and decodes every entry: the kind from the value matches the kind of the key, expired ones flagged", async () => {
    const backend = createFileBasedBackend(fileCacheConfig(dir));
    const rows = (await backend.listKeys({ prefix: "", cursor: null, count: 1000, withMeta: true })).keys;
    expect(rows.length).toBe(DEMO_ENTRY_COUNT);
    const all = [...fixture.entries, { ...fixture.large, value: "" }];
    for (const entry of all) {
      const row = rows.find((r) => r.file === entry.file);
      const parsed = parseRawKey(entry.key, "");
      expect(parsed, entry.key).not.toBeNull();
      expect(row?.kindHint, entry.key).toBe(kindOfKey(parsed?.key ?? ""));
      expect(row?.expired, entry.key).toBe(entry.ttl !== null && entry.ttl < 0);
      const read = await backend.readEntry({ raw: entry.key }, 1 << 20);
      const decoded = decodeEntry(read?.bytes as Uint8Array, { source: "filebased" });
      expect(decoded.error, entry.key).toBeUndefined();
    }
    const kinds = new Set(rows.map((r) => r.kindHint));
    expect([...kinds].sort()).toEqual(["fragment", "key", "page", "page_header", "session"]);
    expect(rows.filter((r) => r.expired).length).toBeGreaterThanOrEqual(4);
    const large = statSync(path.join(dir, `${fixture.large.file}.djcache`)).size;
    expect(large).toBeGreaterThan(400_000);
    expect(rows.find((r) => r.file === fixture.large.file)?.preview).toBe("<bytes 400000 bytes>");
  });

  it("is read by Django itself: live entries hit, expired ones miss", () => {
    expect(django<{ hit: boolean; repr: string }>("get", dir, { key: "user:1:profile" })).toMatchObject({ hit: true });
    expect(django<{ hit: boolean; repr: string }>("get", dir, { key: "rates:EUR" }).repr).toContain("Decimal('1.0842')");
    expect(django<{ hit: boolean; repr: string }>("get", dir, { key: "media:thumbnail:hero-1600w.webp" }).hit).toBe(true);
    expect(django<{ hit: boolean }>("get", dir, { key: "report:weekly" }).hit).toBe(false);
  });
});
