import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { aggregateWindow } from "@/lib/namespaces/aggregate";
import { bucketOf } from "@/lib/namespaces/format";
import { parseBucket } from "@/lib/namespaces/parse";
import { backfill, demoTraffic, simulatedRecord } from "./simulator";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "sim-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("demo traffic simulator", () => {
  it("reads every alias in every minute of a day, the DummyCache's few gets included: the home page's 60 s ratio never goes blank", () => {
    const start = 1_764_624_000;
    for (const alias of ["default", "dummy"] as const) {
      let quietest = Infinity;
      for (let minute = start; minute < start + 86_400; minute += 60) {
        let reads = 0;
        for (let b = minute; b < minute + 60; b += 10) {
          for (let p = 0; p < 2; p++) {
            const ns = (
              JSON.parse(simulatedRecord(alias, demoTraffic(alias), b, p, b + 5)) as { ns: Record<string, { h?: number; m?: number }> }
            ).ns;
            for (const c of Object.values(ns)) reads += (c.h ?? 0) + (c.m ?? 0);
          }
        }
        quietest = Math.min(quietest, reads);
      }
      expect(quietest, alias).toBeGreaterThan(0);
    }
  });

  it("fills the last hour once, in the companion's format, with the namespaces a newcomer should see", async () => {
    const now = 1_764_624_005;
    const t = { alias: "default", dir: path.join(dir, "default"), traffic: demoTraffic("default") };
    expect(await backfill(t, now)).toBe(360);
    expect(await backfill(t, now)).toBe(0);
    const files = readdirSync(t.dir);
    expect(files).toHaveLength(360);
    const buckets = files.map((f) => {
      const bucket = Number(f.replace(".jsonl", ""));
      return parseBucket(readFileSync(path.join(t.dir, f)), { alias: "default", bucket });
    });
    expect(buckets.every((b) => b.records === 2 && Object.keys(b.skipped).length === 0)).toBe(true);
    const w = aggregateWindow(buckets, bucketOf(now) - 1, 300);
    const byName = new Map(w.namespaces.map((n) => [n.name, n]));
    expect(byName.get("search")?.flags).toContain("mostly-misses");
    expect(byName.get("report")?.flags).toEqual(["written-never-read"]);
    expect(byName.get("api:product-list")?.kind).toBe("view");
    expect(byName.get("fragment:sidebar")?.kind).toBe("fragment");
    expect(byName.get("session")?.kind).toBe("session");
    expect(w.total.hitRatio).toBeGreaterThan(0.5);
    // Latency and time saved a newcomer can read: plausible percentiles, costs near the traffic's, one unknown.
    const list = byName.get("api:product-list");
    expect(list?.latency?.get.count).toBe((list?.hits ?? 0) + (list?.misses ?? 0));
    expect(list?.latency?.get.p50Ms).toBeGreaterThan(0.1);
    expect(list?.latency?.get.p50Ms).toBeLessThan(0.5);
    expect(list?.latency?.get.p99Ms).toBeGreaterThan(list?.latency?.get.p50Ms ?? Infinity);
    expect(list?.saved.costPerMissMs).toBeGreaterThan(41 * 0.85);
    expect(list?.saved.costPerMissMs).toBeLessThan(41 * 1.15);
    expect(list?.saved.savedSecondsPerSecond).toBeCloseTo(((list?.saved.hitsPerSecond ?? 0) * (list?.saved.costPerMissMs ?? 0)) / 1000, 9);
    expect(byName.get("search")?.saved.costPerMissMs).toBeNull();
    expect(w.saved.savedSecondsPerSecond).toBeGreaterThan(0);
  });

  it("gives the DummyCache misses only, as Django's DummyCache would", async () => {
    const t = { alias: "dummy", dir: path.join(dir, "dummy"), traffic: demoTraffic("dummy") };
    await backfill(t, 1_764_624_005);
    const f = readdirSync(t.dir)[0];
    const b = parseBucket(readFileSync(path.join(t.dir, f)), { alias: "dummy", bucket: Number(f.replace(".jsonl", "")) });
    expect([...b.namespaces.values()].every((c) => c.hits === 0)).toBe(true);
  });
});
