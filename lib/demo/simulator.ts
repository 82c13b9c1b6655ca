import { promises as fsp } from "node:fs";
import path from "node:path";
import { BUCKET_SECONDS, FILE_COUNTER_DIR, RETENTION_SECONDS, bucketFileName, bucketOf } from "@/lib/namespaces/format";
import type { NamespaceKind } from "@/lib/namespaces/parse";
import type { Sink } from "@/lib/namespaces/sinks";
import { LATENCY_BOUNDS_US, LATENCY_BUCKETS, TIMING_VERSION } from "@/lib/namespaces/timing";
import { seededRandom } from "@/lib/random";

/**
 * The demo's traffic simulator: while the demo runs it writes, every 10 s, the records a Django with the companion
 * would flush for the demo's two aliases (docs/COUNTERS_FORMAT.md), and fills the last hour at start, so the
 * Namespaces tab, the home page's ratios and the charts move for a newcomer. The UI labels these counts "simulated".
 */

/** The demo's DummyCache sends its counters to a directory, as CACHESCOPE["SINKS"] would. */
export function demoSinks(dataDir: string): Map<string, Sink> {
  return new Map([["dummy", { dir: demoSinkDir(dataDir) }]]);
}

export function demoSinkDir(dataDir: string): string {
  return path.join(dataDir, "demo-counters");
}

export interface Traffic {
  name: string;
  kind: NamespaceKind;
  /** Reads per 10 s at the top of the 20-minute wave (all processes together). */
  reads: number;
  hitRate: number;
  /** Extra writes per 10 s besides the sets that follow misses. */
  sets?: number;
  deletes?: number;
  adds?: number;
  incrs?: number;
  touches?: number;
  /** Set after a miss, as cache_page and {% cache %} do. */
  setOnMiss?: boolean;
  /** Median latency of a get / a set (µs) on this alias's backend. */
  getUs: number;
  setUs: number;
  /** Mean cost of recomputing a miss (ms), measured when a set follows it; absent: never measured (shown as unknown). */
  costMs?: number;
}

/** A shop's cache as a Django would see it: views, fragments, sessions, plain keys; one mostly missing, one never read. */
const DEFAULT_TRAFFIC: Traffic[] = [
  { name: "api:product-list", kind: "view", reads: 60, hitRate: 0.86, setOnMiss: true, getUs: 180, setUs: 420, costMs: 41 },
  { name: "api:product-detail", kind: "view", reads: 35, hitRate: 0.64, setOnMiss: true, getUs: 150, setUs: 380, costMs: 24 },
  { name: "shop.views.home", kind: "view", reads: 18, hitRate: 0.93, setOnMiss: true, getUs: 220, setUs: 520, costMs: 130 },
  { name: "fragment:sidebar", kind: "fragment", reads: 80, hitRate: 0.98, setOnMiss: true, getUs: 90, setUs: 260, costMs: 3.5 },
  { name: "fragment:product_card", kind: "fragment", reads: 45, hitRate: 0.74, setOnMiss: true, getUs: 80, setUs: 240, costMs: 1.8 },
  { name: "session", kind: "session", reads: 25, hitRate: 0.9, sets: 6, deletes: 1, touches: 2, getUs: 70, setUs: 210 },
  { name: "user", kind: "key", reads: 20, hitRate: 0.7, setOnMiss: true, deletes: 2, getUs: 60, setUs: 200, costMs: 6 },
  // Set after a miss by another worker (a task queue): no cost measured, so the tab says "unknown".
  { name: "search", kind: "key", reads: 16, hitRate: 0.06, setOnMiss: true, getUs: 65, setUs: 230 },
  { name: "report", kind: "key", reads: 0, hitRate: 0, sets: 3, getUs: 60, setUs: 900 },
  { name: "ratelimit", kind: "key", reads: 0, hitRate: 0, adds: 4, incrs: 30, getUs: 50, setUs: 150 },
];

/** What the demo's DummyCache sees: every get a miss, every set thrown away. */
const DUMMY_TRAFFIC: Traffic[] = [
  { name: "api:product-list", kind: "view", reads: 6, hitRate: 0, setOnMiss: true, getUs: 2, setUs: 2, costMs: 41 },
  { name: "session", kind: "session", reads: 4, hitRate: 0, sets: 2, getUs: 2, setUs: 2 },
];

function around(rand: () => number, mean: number): number {
  return mean <= 0 ? 0 : Math.max(0, Math.round(mean * (0.75 + rand() * 0.5)));
}

type Counters = Partial<Record<"k" | "h" | "m" | "s" | "a" | "d" | "i" | "t" | "rs" | "rn", number | string>>;
type Entry = Counters & { lg?: number[]; ls?: number[] };

/** n durations around a median (log-normal, a long right tail as real latencies have) as histogram counts. */
export function simulatedHistogram(rand: () => number, n: number, medianUs: number): number[] | undefined {
  if (n <= 0) return undefined;
  const hist = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (let i = 0; i < n; i++) {
    // Box-Muller: a standard normal from two uniforms.
    const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const us = medianUs * Math.exp(0.6 * z);
    const at = LATENCY_BOUNDS_US.findIndex((b) => us <= b);
    hist[at === -1 ? LATENCY_BUCKETS - 1 : at]++;
  }
  while (hist.length > 0 && hist[hist.length - 1] === 0) hist.pop();
  return hist;
}

/** One simulated process's record for one flush into `bucket` (a line, "\n" included). */
export function simulatedRecord(alias: string, traffic: Traffic[], bucket: number, process: number, at: number): string {
  const rand = seededRandom(bucket * 7 + process * 1_000_003 + alias.length);
  const timing = seededRandom(bucket * 13 + process * 7_919 + alias.length + 17);
  // Traffic rises and falls over 20 minutes, and a cold spell every so often drops the hit ratios. The trough keeps
  // 30% of the peak: a newcomer opening the demo at any minute sees every alias read, the DummyCache's few gets included.
  const wave = 0.65 + 0.35 * Math.sin((bucket / 1200) * 2 * Math.PI);
  const cold = Math.floor(bucket / 600) % 5 === 3 ? 0.6 : 1;
  const ns: Record<string, Entry> = {};
  for (const t of traffic) {
    const reads = around(rand, (t.reads * wave) / 2);
    const hits = Math.round(
      reads * Math.min(1, t.hitRate * (t.kind === "fragment" || t.kind === "view" ? cold : 1) * (0.95 + rand() * 0.1)),
    );
    const misses = reads - hits;
    const c: Entry = { k: t.kind };
    if (hits) c.h = hits;
    if (misses) c.m = misses;
    const sets = (t.setOnMiss ? misses : 0) + around(rand, (t.sets ?? 0) / 2);
    if (sets) c.s = sets;
    const extra: ["d" | "a" | "i" | "t", number | undefined][] = [
      ["d", t.deletes],
      ["a", t.adds],
      ["i", t.incrs],
      ["t", t.touches],
    ];
    for (const [field, mean] of extra) {
      const n = around(rand, ((mean ?? 0) * wave) / 2);
      if (n) c[field] = n;
    }
    // Timings from their own generator: the counts stay what they were before the simulator timed anything.
    const lg = simulatedHistogram(timing, reads, t.getUs);
    const ls = simulatedHistogram(timing, sets + (typeof c.a === "number" ? c.a : 0), t.setUs);
    if (lg) c.lg = lg;
    if (ls) c.ls = ls;
    const measured = t.costMs !== undefined && t.setOnMiss ? misses : 0;
    if (measured > 0 && t.costMs !== undefined) {
      c.rn = measured;
      c.rs = Math.round(measured * t.costMs * 1000 * (0.85 + timing() * 0.3));
    }
    if (Object.keys(c).length > 1) ns[t.name] = c;
  }
  return JSON.stringify({ v: 1, tv: TIMING_VERSION, host: "cachescope-simulator", pid: 1000 + process, at, alias, ns }) + "\n";
}

/** What the simulator counts for each of the demo's aliases. */
export function demoTraffic(alias: "default" | "dummy"): Traffic[] {
  return alias === "default" ? DEFAULT_TRAFFIC : DUMMY_TRAFFIC;
}

/** Two simulated worker processes, as gunicorn would run them: one record each per flush. */
const PROCESSES = 2;

export interface Target {
  alias: string;
  dir: string;
  traffic: Traffic[];
}

function targets(cacheDir: string, dataDir: string): Target[] {
  return [
    { alias: "default", dir: path.join(cacheDir, FILE_COUNTER_DIR, "default"), traffic: demoTraffic("default") },
    { alias: "dummy", dir: path.join(demoSinkDir(dataDir), "dummy"), traffic: demoTraffic("dummy") },
  ];
}

async function flush(target: Target, bucket: number, at: number): Promise<void> {
  let lines = "";
  for (let p = 0; p < PROCESSES; p++) lines += simulatedRecord(target.alias, target.traffic, bucket, p, at);
  await fsp.appendFile(path.join(target.dir, bucketFileName(bucket)), lines, { mode: 0o600 });
}

/** Fills the buckets of the last hour that hold nothing yet; removes those past the companion's 3 hours. */
export async function backfill(target: Target, nowSeconds: number): Promise<number> {
  await fsp.mkdir(target.dir, { recursive: true, mode: 0o700 });
  const names = new Set(await fsp.readdir(target.dir));
  const current = bucketOf(nowSeconds);
  let written = 0;
  for (let b = current - 3600; b < current; b += BUCKET_SECONDS) {
    if (names.has(bucketFileName(b))) continue;
    await flush(target, b, b + BUCKET_SECONDS - 0.5);
    written++;
  }
  await prune(target, names, nowSeconds);
  return written;
}

/** As the companion does: buckets past the 3 hours are removed. */
async function prune(target: Target, names: Iterable<string>, nowSeconds: number): Promise<void> {
  for (const name of names) {
    const m = /^(\d+)\.jsonl$/.exec(name);
    if (m && Number(m[1]) < nowSeconds - RETENTION_SECONDS) await fsp.rm(path.join(target.dir, name), { force: true });
  }
}

const holder = globalThis as unknown as { __cachescopeSimulator?: NodeJS.Timeout };

/** Starts the simulator once per process; the timer never keeps the process alive. */
export async function startSimulator(cacheDir: string, dataDir: string): Promise<{ backfilled: number }> {
  if (holder.__cachescopeSimulator) return { backfilled: 0 };
  const all = targets(cacheDir, dataDir);
  let backfilled = 0;
  for (const t of all) backfilled += await backfill(t, Date.now() / 1000);
  const tick = () => {
    const now = Date.now() / 1000;
    const bucket = bucketOf(now);
    for (const t of all) {
      const work = async () => {
        // The data directory may have been removed while the demo runs: it comes back with the next flush.
        await fsp.mkdir(t.dir, { recursive: true, mode: 0o700 });
        await flush(t, bucket, now);
        if (bucket % 600 === 0) await prune(t, await fsp.readdir(t.dir), now);
      };
      work().catch((err: unknown) => console.error(`[cachescope] demo simulator: ${(err as Error).message}`));
    }
  };
  tick();
  holder.__cachescopeSimulator = setInterval(tick, BUCKET_SECONDS * 1000);
  holder.__cachescopeSimulator.unref();
  return { backfilled };
}
