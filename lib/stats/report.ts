import { descriptorForPath, type BackendKind, type StatsExtraOf } from "@/lib/backends/registry";
import type { ServerStats } from "@/lib/backends/types";
import type { CacheTrack, ServerTrack } from "./sampler";
import { historyPoint, ratio, windowSummary, type CachePoint, type HistoryPoint, type ServerPoint, type WindowSummary } from "./series";

/** The answers of /stats and /stats/history (shared/API.md), built from a cache's track. Pure. */

export interface Totals {
  hits: number | null;
  misses: number | null;
  hitRatio: number | null;
  items: number | null;
  bytes: number | null;
  maxBytes: number | null;
  evictions: number | null;
  expirations: number | null;
}

/** A server's lifetime counters (its extras go under extra.byServer), with when it went down and its own window. */
export type ServerAnswer = Omit<ServerStats, "extra"> & {
  expirations: number | null;
  downSince: number | null;
  window: WindowSummary | null;
};

interface StatsAnswerBase {
  alias: string;
  at: number | null;
  supported: boolean;
  reason?: string;
  /** The counters cover whole servers (other apps' traffic counts too). */
  serverWide: boolean;
  /** What the numbers cover, in words the page shows. */
  scope: string;
  intervalMs: number;
  /** Points held for this cache (an hour at most). */
  samples: number;
  /** When every server has been failing since (ms since the epoch); null while any answers. */
  downSince: number | null;
  totals: Totals | null;
  window: WindowSummary | null;
  servers: ServerAnswer[];
}

/** Backend extras by server (Redis memory/policy/keyspace, memcached slabs), typed by the backend's kind. */
export type StatsAnswer =
  | { [K in BackendKind]: StatsAnswerBase & { kind: K; extra: { byServer: Record<string, StatsExtraOf<K>> } } }[BackendKind]
  | (StatsAnswerBase & { kind: "unsupported"; extra: { byServer: Record<string, never> } });

export interface HistoryAnswer {
  alias: string;
  /** null: summed over the pool. */
  server: string | null;
  seconds: number;
  intervalMs: number;
  points: HistoryPoint[];
}

function scopeText(backendPath: string, serverWide: boolean, servers: number): string {
  const descriptor = descriptorForPath(backendPath);
  if (descriptor) return descriptor.statsScope(servers);
  return serverWide ? "Counters cover the whole server." : "Counters cover this cache only.";
}

function sumOf(servers: ServerStats[], pick: (s: ServerStats) => number | null | undefined): number | null {
  let total: number | null = null;
  for (const s of servers) {
    const v = pick(s);
    if (s.ok && v !== null && v !== undefined) total = (total ?? 0) + v;
  }
  return total;
}

export function totalsOf(servers: ServerStats[]): Totals | null {
  const up = servers.filter((s) => s.ok);
  if (up.length === 0) return null;
  const hits = sumOf(up, (s) => s.hits);
  const misses = sumOf(up, (s) => s.misses);
  return {
    hits,
    misses,
    hitRatio: ratio(hits, misses),
    items: sumOf(up, (s) => s.items),
    bytes: sumOf(up, (s) => s.bytes),
    // A server without a limit makes the pool's limit unknown, not the others' sum.
    maxBytes: up.every((s) => s.maxBytes !== null) ? sumOf(up, (s) => s.maxBytes) : null,
    evictions: sumOf(up, (s) => s.evictions),
    expirations: sumOf(up, (s) => s.expirations),
  };
}

function serverAnswer(st: ServerTrack, windowSeconds: number, endT: number): ServerAnswer {
  const s = st.latest;
  return {
    server: st.server,
    ok: s?.ok ?? false,
    ...(s?.error ? { error: s.error } : {}),
    hits: s?.hits ?? null,
    misses: s?.misses ?? null,
    items: s?.items ?? null,
    bytes: s?.bytes ?? null,
    maxBytes: s?.maxBytes ?? null,
    evictions: s?.evictions ?? null,
    expirations: s?.expirations ?? null,
    uptimeSeconds: s?.uptimeSeconds ?? null,
    version: s?.version ?? null,
    downSince: st.downSince,
    window: windowSummary(
      st.points.tail((p) => p.t > endT - windowSeconds * 1000),
      windowSeconds,
      endT,
    ),
  };
}

/** The answer for an alias whose backend keeps counters; backendPath says which (its descriptor the scope). */
export function statsAnswer(backendPath: string, track: CacheTrack, intervalMs: number, windowSeconds: number): StatsAnswer {
  const snap = track.latest;
  const supported = snap?.supported ?? false;
  const serverWide = snap?.serverWide ?? false;
  const endT = track.points.last()?.t ?? 0;
  const servers = [...track.servers.values()];
  const byServer: Record<string, object> = {};
  for (const st of servers) if (st.latest?.extra) byServer[st.server] = st.latest.extra;
  return {
    alias: track.alias,
    // Each backend fills extra with its descriptor's Extra type: the pair is what the union above says.
    kind: descriptorForPath(backendPath)?.kind ?? "unsupported",
    at: snap?.at ?? null,
    supported,
    ...(snap?.reason ? { reason: snap.reason } : {}),
    serverWide,
    scope: scopeText(backendPath, serverWide, servers.length),
    intervalMs,
    samples: track.points.size,
    downSince: track.downSince,
    totals: supported && snap ? totalsOf(snap.servers) : null,
    window: windowSummary(
      track.points.tail((p) => p.t > endT - windowSeconds * 1000),
      windowSeconds,
      endT,
    ),
    servers: servers.map((st) => serverAnswer(st, windowSeconds, endT)),
    extra: { byServer },
  } as StatsAnswer;
}

/** The answer for a cache without counters (FileBasedCache, DummyCache, an alias Cachescope cannot inspect). */
export function unsupportedAnswer(alias: string, kind: BackendKind | "unsupported", reason: string, intervalMs: number): StatsAnswer {
  return {
    alias,
    kind,
    at: null,
    supported: false,
    reason,
    serverWide: false,
    scope: reason,
    intervalMs,
    samples: 0,
    downSince: null,
    totals: null,
    window: null,
    servers: [],
    extra: { byServer: {} },
  } as StatsAnswer;
}

export interface HistoryRequest {
  seconds: number;
  /** host:port of one server of the pool; absent = the whole cache. */
  server?: string;
  /** Only points after this time (ms since the epoch): lets a live chart ask for what is new. */
  since?: number;
}

/** The points of the last `seconds` (counted back from the newest point), of the cache or of one server; null = no such server. */
/** A server by its label, or by host:port where the label adds a database ("127.0.0.1:6379/1" for Redis). */
function findServer(track: CacheTrack, server: string): ServerTrack | undefined {
  const exact = track.servers.get(server);
  if (exact) return exact;
  const byAddress = [...track.servers.values()].filter((st) => st.server.startsWith(`${server}/`));
  return byAddress.length === 1 ? byAddress[0] : undefined;
}

export function historyAnswer(track: CacheTrack, req: HistoryRequest, intervalMs: number): HistoryAnswer | null {
  const st = req.server === undefined ? undefined : findServer(track, req.server);
  const ring = req.server === undefined ? track.points : st?.points;
  if (!ring) return null;
  const endT = ring.last()?.t ?? 0;
  const from = Math.max(endT - req.seconds * 1000, req.since ?? -Infinity);
  const recent: (CachePoint | ServerPoint)[] = ring.tail((p: CachePoint | ServerPoint) => p.t > from);
  return { alias: track.alias, server: st?.server ?? null, seconds: req.seconds, intervalMs, points: recent.map(historyPoint) };
}
