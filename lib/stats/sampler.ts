import { downServerStats } from "@/lib/backends/server-stats";
import type { CacheBackend, ServerStats, StatsSnapshot } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { Ring } from "./ring";
import { cachePoint, countersOf, serverPoint, type Baseline, type CachePoint, type ServerPoint } from "./series";

/**
 * Polls every cache's counters on a timer and keeps an hour of points per cache and per server, in memory.
 * One poll per cache at a time: a tick that finds the previous poll of a cache still running skips that cache, so a
 * slow server is never asked twice at once and never falls behind a queue of stale requests.
 */

export interface SamplerOptions {
  /** The caches to sample (read on every tick). */
  caches: () => CacheConfig[];
  backendFor: (cache: CacheConfig) => CacheBackend | null;
  intervalMs: number;
  /** Whole-poll guard; the backends also time out each server on their own. */
  timeoutMs: number;
  /** How long the history reaches back. */
  retentionMs?: number;
  /** The time a sample is taken at (tests give a clock of their own). */
  now?: () => number;
}

export const RETENTION_MS = 3_600_000;

export interface ServerTrack {
  readonly server: string;
  readonly points: Ring<ServerPoint>;
  baseline: Baseline | null;
  lastOk: boolean;
  /** When the current run of failed samples began; null while up. */
  downSince: number | null;
  /** The latest answer, with its extras (slabs, keyspace, ...). */
  latest: ServerStats | null;
}

export interface CacheTrack {
  readonly alias: string;
  readonly points: Ring<CachePoint>;
  readonly servers: Map<string, ServerTrack>;
  /** The latest snapshot (also kept when the backend has no counters: it carries the reason). */
  latest: StatsSnapshot | null;
  /** When the latest poll started. */
  polledAt: number | null;
  /** When every server has been failing since; null while any is up. */
  downSince: number | null;
  /** Ticks skipped because the previous poll was still running. */
  skippedTicks: number;
  /** True until the backend answers the latest poll, even after the guard gave up on it. */
  busy: boolean;
  /** The poll being recorded, for callers that want to wait for it instead of asking again. */
  pending: Promise<void> | null;
}

export class StatsSampler {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly capacity: number;
  private readonly opts: SamplerOptions;
  private readonly now: () => number;
  private readonly tracks = new Map<string, CacheTrack>();
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: SamplerOptions) {
    this.opts = opts;
    this.intervalMs = opts.intervalMs;
    this.timeoutMs = opts.timeoutMs;
    this.now = opts.now ?? Date.now;
    // One more than the hour holds: the first point of the hour needs its predecessor to be an interval.
    this.capacity = Math.ceil((opts.retentionMs ?? RETENTION_MS) / opts.intervalMs) + 1;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    // The sampler must never keep a process (a test run, a build) alive on its own.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The caches that have counters to sample. */
  sampled(): CacheConfig[] {
    return this.opts.caches().filter((c) => this.opts.backendFor(c)?.capabilities.serverStats === true);
  }

  /** Starts a poll of every sampled cache whose previous poll is done; resolves when those polls end. */
  async tick(): Promise<void> {
    const started: Promise<void>[] = [];
    for (const cache of this.sampled()) {
      const track = this.track(cache.alias);
      if (track.busy) {
        track.skippedTicks++;
        continue;
      }
      started.push(this.poll(cache.alias));
    }
    await Promise.all(started);
  }

  /**
   * Samples one cache now, or joins the poll already running for it. Never throws: a failure is recorded as a
   * failed sample of each server.
   */
  poll(alias: string): Promise<void> {
    const track = this.track(alias);
    if (track.pending) return track.pending;
    // The guard gave up on the previous poll but the backend is still at it: the recorded failure stands.
    if (track.busy) return Promise.resolve();
    const cache = this.opts.caches().find((c) => c.alias === alias);
    const backend = cache ? this.opts.backendFor(cache) : null;
    if (!cache || !backend) return Promise.resolve();
    const t = this.now();
    track.polledAt = t;
    let stats: Promise<StatsSnapshot>;
    try {
      stats = backend.stats();
    } catch (err) {
      stats = Promise.reject(err);
    }
    // Busy until the backend answers, even past the guard: the next tick must not pile on a slow server.
    track.busy = true;
    stats.then(
      () => (track.busy = false),
      () => (track.busy = false),
    );
    const pending = this.guarded(stats, cache, track)
      .then((snap) => this.record(track, snap, t))
      .finally(() => {
        track.pending = null;
      });
    track.pending = pending;
    return pending;
  }

  /** The backend's snapshot, or a failed one naming each server when it throws or takes longer than the guard. */
  private async guarded(stats: Promise<StatsSnapshot>, cache: CacheConfig, track: CacheTrack): Promise<StatsSnapshot> {
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), this.timeoutMs);
    });
    const failed = (error: string): StatsSnapshot => {
      const known = [...track.servers.keys()];
      const servers = known.length ? known : cache.locations;
      return {
        at: this.now(),
        supported: true,
        serverWide: track.latest?.serverWide ?? true,
        servers: servers.map((server) => downServerStats(server, error)),
      };
    };
    try {
      const result = await Promise.race([stats, guard]);
      if (result === "timeout") return failed(`stats timed out after ${this.timeoutMs} ms`);
      return result;
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err));
    } finally {
      clearTimeout(timer);
    }
  }

  private record(track: CacheTrack, snap: StatsSnapshot, t: number): void {
    track.latest = snap;
    if (!snap.supported) return;
    const points: ServerPoint[] = [];
    for (const stats of snap.servers) {
      let st = track.servers.get(stats.server);
      if (!st) {
        st = { server: stats.server, points: new Ring(this.capacity), baseline: null, lastOk: true, downSince: null, latest: null };
        track.servers.set(stats.server, st);
      }
      const point = serverPoint(stats, t, st.baseline, st.lastOk);
      st.points.push(point);
      st.latest = stats;
      st.lastOk = stats.ok;
      if (stats.ok) {
        st.baseline = { t, counters: countersOf(stats) };
        st.downSince = null;
      } else {
        st.downSince ??= t;
      }
      points.push(point);
    }
    // A guard failure before the first answer names servers by LOCATION, which may not be the backend's labels:
    // once the backend names its servers, placeholders it does not name go.
    const named = new Set(snap.servers.map((s) => s.server));
    for (const [label, st] of track.servers) if (!named.has(label) && st.baseline === null) track.servers.delete(label);
    const cp = cachePoint(t, points);
    track.points.push(cp);
    track.downSince = cp.serversUp === 0 ? (track.downSince ?? t) : null;
  }

  /** The track of an alias (made empty on first use). */
  track(alias: string): CacheTrack {
    let track = this.tracks.get(alias);
    if (!track) {
      track = {
        alias,
        points: new Ring(this.capacity),
        servers: new Map(),
        latest: null,
        polledAt: null,
        downSince: null,
        skippedTicks: 0,
        busy: false,
        pending: null,
      };
      this.tracks.set(alias, track);
    }
    return track;
  }

  /** The track after making sure its latest sample is at most maxAgeMs old (polling now when it is not). */
  async fresh(alias: string, maxAgeMs: number): Promise<CacheTrack> {
    const track = this.track(alias);
    if (track.pending) await track.pending;
    if (track.latest === null || track.polledAt === null || this.now() - track.polledAt > maxAgeMs) await this.poll(alias);
    return track;
  }
}
