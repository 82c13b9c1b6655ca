import type { CacheConfig } from "@/lib/config/types";
import { demoSinks } from "@/lib/demo/simulator";
import { backendFor, findCache, getContext } from "@/lib/server/context";
import { aggregateWindow, historyPoints, type HistoryPoint, type WindowAggregate } from "./aggregate";
import { BucketCache } from "./bucket-cache";
import { BUCKET_SECONDS, RETENTION_SECONDS, bucketOf, bucketsBetween } from "./format";
import { mergeSkipped, type ParsedBucket, type Skipped } from "./parse";
import { parseSinks, type SinksConfig } from "./sinks";
import { counterSource, readFromSource, type CounterSource } from "./source";

/** What the namespaces routes answer: the companion's counters of one alias, read where they live. */

export interface NamespacesAnswer extends Omit<WindowAggregate, "skipped" | "records" | "updatedAt"> {
  alias: string;
  /** "django" once the companion's records are found in the last hour; null: none (reason says why). */
  source: "django" | null;
  /** The demo's counters come from the built-in traffic simulator, not from a Django. */
  simulated?: boolean;
  reason?: string;
  /** Where the counters are read. */
  from?: string;
  /** Newest flush seen in the last hour, ms since the epoch. */
  updatedAt: number | null;
  /** Records read in the window. */
  records: number;
  /** What was skipped (or cut) in the window's buckets and why; absent when nothing was. */
  skipped?: Skipped;
  /** CACHESCOPE_SINKS problems. */
  warnings?: string[];
}

export interface NamespaceHistoryAnswer {
  alias: string;
  /** null: every namespace summed. */
  name: string | null;
  source: "django" | null;
  stepSeconds: number;
  points: HistoryPoint[];
}

interface State {
  cache: BucketCache;
  sinks: { text: string | undefined; demo: boolean; config: SinksConfig } | null;
}

const holder = globalThis as unknown as { __cachescopeNamespaces?: State };

function state(): State {
  holder.__cachescopeNamespaces ??= { cache: new BucketCache(), sinks: null };
  return holder.__cachescopeNamespaces;
}

/** CACHESCOPE_SINKS, parsed once per value; the demo sends its DummyCache's counters to a directory of its own. */
export function sinksConfig(): SinksConfig {
  const s = state();
  const ctx = getContext();
  const text = process.env.CACHESCOPE_SINKS;
  if (s.sinks && s.sinks.text === text && s.sinks.demo === ctx.config.demo) return s.sinks.config;
  const aliases = ctx.config.caches.map((c) => c.alias);
  const config =
    (text === undefined || text.trim() === "") && ctx.config.demo
      ? { sinks: demoSinks(ctx.dataDir), errors: [] }
      : parseSinks(text, aliases);
  s.sinks = { text, demo: ctx.config.demo, config };
  return config;
}

function sourceOf(cache: CacheConfig): CounterSource {
  const { caches } = getContext().config;
  return counterSource(cache, sinksConfig().sinks.get(cache.alias), caches, backendFor);
}

async function readRange(cache: CacheConfig, source: CounterSource, fromSeconds: number, nowMs: number): Promise<ParsedBucket[]> {
  if (source.kind === "none") return [];
  const buckets = bucketsBetween(fromSeconds, nowMs / 1000);
  return state().cache.get(source.id, cache.alias, buckets, nowMs, (missing) => readFromSource(source, cache.alias, missing));
}

/** The hour always: whether the companion is there is not decided by one quiet minute. */
const PRESENCE_SECONDS = 3600;

export async function namespacesAnswer(alias: string, windowSeconds: number, nowMs = Date.now()): Promise<NamespacesAnswer> {
  const cache = findCache(alias);
  const source = sourceOf(cache);
  const span = Math.max(windowSeconds, PRESENCE_SECONDS);
  const buckets = await readRange(cache, source, nowMs / 1000 - span + BUCKET_SECONDS, nowMs);
  const { skipped, records, ...agg } = aggregateWindow(buckets, nowMs / 1000, windowSeconds);
  const seen = buckets.reduce((n, b) => n + b.records, 0);
  const updatedAt = buckets.reduce<number | null>((t, b) => (b.lastFlushAt === null ? t : Math.max(t ?? 0, b.lastFlushAt)), null);
  const warnings = sinksConfig().errors;
  let reason: string | undefined;
  if (source.kind === "none") reason = source.reason;
  else if (seen === 0) {
    const wholeSkipped: Skipped = {};
    for (const b of buckets) mergeSkipped(wholeSkipped, b.skipped);
    const bad = Object.values(wholeSkipped).reduce((n, v) => n + (v ?? 0), 0);
    reason =
      bad > 0
        ? `counter data was found in ${source.label} but none of it could be used (see skipped): a companion of another format version?`
        : `no counters flushed to ${source.label} in the last hour: install the companion (pip install ./integrations/django, "cachescope_django" in INSTALLED_APPS) and make some requests`;
  }
  const ctx = getContext();
  return {
    alias: cache.alias,
    source: seen > 0 ? "django" : null,
    ...(ctx.config.demo && seen > 0 ? { simulated: true } : {}),
    ...(reason ? { reason } : {}),
    ...(source.kind !== "none" ? { from: source.label } : {}),
    ...agg,
    updatedAt,
    records,
    ...(Object.keys(skipped).length > 0 ? { skipped } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

export async function namespaceHistory(
  alias: string,
  name: string | null,
  sinceMs: number | undefined,
  nowMs = Date.now(),
): Promise<NamespaceHistoryAnswer> {
  const cache = findCache(alias);
  const source = sourceOf(cache);
  const oldest = nowMs / 1000 - RETENTION_SECONDS + BUCKET_SECONDS;
  const from = Math.max(sinceMs !== undefined ? sinceMs / 1000 : nowMs / 1000 - PRESENCE_SECONDS + BUCKET_SECONDS, oldest);
  const buckets = await readRange(cache, source, from, nowMs);
  const seen = buckets.some((b) => b.records > 0);
  return {
    alias: cache.alias,
    name,
    source: seen ? "django" : null,
    stepSeconds: BUCKET_SECONDS,
    points: source.kind === "none" ? [] : historyPoints(buckets, name, bucketOf(from), bucketOf(nowMs / 1000)),
  };
}

/** The aliases whose counters the metrics endpoint reads, with their answer for the last minute. */
export async function namespaceWindows(windowSeconds: number, nowMs = Date.now()): Promise<NamespacesAnswer[]> {
  const { caches } = getContext().config;
  const readable = caches.filter((c) => sourceOf(c).kind !== "none");
  const settled = await Promise.allSettled(readable.map((c) => namespacesAnswer(c.alias, windowSeconds, nowMs)));
  // A store that is down leaves its alias out of the scrape; the servers' own up metric says why.
  return settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
}
