import { connectionOf } from "@/lib/config/connection";
import type { CacheConfig } from "@/lib/config/types";
import type {
  BackendStatus,
  CacheBackend,
  ColdBasis,
  CounterBucketRead,
  EntryRef,
  EntryLimits,
  HealthReport,
  IterateOptions,
  KeyPage,
  KeyRow,
  KeySample,
  ListOptions,
  ProbeClient,
  RawEntry,
  RedisServerHealth,
  SampleOptions,
  StatsSnapshot,
} from "../types";
import { RedisClusterBackend } from "./cluster";
import { RedisConnection } from "./connection";
import { parseRedisLocation, type RedisTarget } from "./location";
import { createRedisNode } from "./node";

/**
 * A plain Redis alias whose server may be a Redis Cluster: no configuration says so (django-redis reaches a cluster
 * through a custom client or connection factory the console cannot see), so the server is asked: INFO cluster's
 * `cluster_enabled:1` makes the alias a cluster (cluster.ts), anything else one node (node.ts).
 *
 * Asked on first use, LOCATION by LOCATION until one answers (a cluster's LOCATIONs are seeds: any node, a replica
 * too). The answer is kept; while no LOCATION answers, calls go to the node backend, which reports why, and the
 * question is asked again on the next call.
 */

function targetsOf(config: CacheConfig): RedisTarget[] {
  try {
    const real = connectionOf(config);
    return real.locations.map((l) => parseRedisLocation(l, real.options)).filter((t) => t.host !== undefined && !t.sentinels);
  } catch {
    // The node backend reports the LOCATION it cannot use.
    return [];
  }
}

async function isCluster(target: RedisTarget): Promise<boolean> {
  const conn = new RedisConnection(target);
  try {
    const info = await conn.run((c) => c.info("cluster"));
    return /^cluster_enabled:1/m.test(info);
  } finally {
    await conn.close();
  }
}

class DetectingRedisBackend implements CacheBackend {
  private readonly node: CacheBackend;
  private chosen: CacheBackend | null = null;
  private asking: Promise<CacheBackend> | null = null;

  constructor(readonly config: CacheConfig) {
    this.node = createRedisNode(config);
  }

  get capabilities() {
    return this.node.capabilities;
  }

  /** The backend this alias's server calls for (see above). */
  private async backend(): Promise<CacheBackend> {
    if (this.chosen) return this.chosen;
    this.asking ??= this.ask().finally(() => {
      this.asking = null;
    });
    return this.asking;
  }

  private async ask(): Promise<CacheBackend> {
    for (const target of targetsOf(this.config)) {
      let cluster: boolean;
      try {
        cluster = await isCluster(target);
      } catch (err) {
        // A user without INFO is no cluster admin's console: one node, as before.
        if (err instanceof Error && /NOPERM|unknown command/i.test(err.message)) return (this.chosen = this.node);
        continue;
      }
      this.chosen = cluster ? new RedisClusterBackend(this.config, connectionOf(this.config)) : this.node;
      return this.chosen;
    }
    return this.node;
  }

  async status(): Promise<BackendStatus> {
    return (await this.backend()).status();
  }
  async listKeys(opts: ListOptions): Promise<KeyPage> {
    return (await this.backend()).listKeys(opts);
  }
  async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
    return (await this.backend()).readEntry(ref, maxBytes);
  }
  async deleteEntries(refs: EntryRef[]): Promise<number> {
    return (await this.backend()).deleteEntries(refs);
  }
  async deleteListed(rows: KeyRow[]): Promise<number> {
    return (await this.backend()).deleteListed(rows);
  }
  async *iterate(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    yield* (await this.backend()).iterate(opts);
  }
  async stats(): Promise<StatsSnapshot> {
    return (await this.backend()).stats();
  }
  async sample(opts: SampleOptions): Promise<KeySample> {
    const b = await this.backend();
    if (!b.sample) throw new Error("sample: not offered by this backend");
    return b.sample(opts);
  }
  async limits(): Promise<EntryLimits> {
    return (await (await this.backend()).limits?.()) ?? {};
  }
  async health(): Promise<HealthReport> {
    return (await (await this.backend()).health?.()) ?? { facts: [], warnings: [] };
  }
  async readCounterBuckets(alias: string, buckets: number[]): Promise<Map<number, CounterBucketRead>> {
    return (await (await this.backend()).readCounterBuckets?.(alias, buckets)) ?? new Map<number, CounterBucketRead>();
  }
  async coldBasis(): Promise<ColdBasis> {
    const b = await this.backend();
    if (b.coldBasis) return b.coldBasis();
    return {
      basis: null,
      note: "Access times are not read on a Redis Cluster yet: only entries that never expire are counted.",
      idle1h: false,
      idle24h: false,
    };
  }
  async serverHealth(): Promise<RedisServerHealth[]> {
    return (await (await this.backend()).serverHealth?.()) ?? [];
  }
  /** Synchronous by the interface: the client waits for the answer to "is this a cluster?" on its first call. */
  openProbeClient(): ProbeClient {
    const opened = this.backend().then((b) => {
      if (!b.openProbeClient) throw new Error("a Redis Cluster cannot be probed yet");
      return b.openProbeClient();
    });
    opened.catch(() => undefined);
    return {
      set: async (raw, payload, ttl) => (await opened).set(raw, payload, ttl),
      get: async (raw) => (await opened).get(raw),
      delete: async (raw) => (await opened).delete(raw),
      close: async () => (await opened.catch(() => null))?.close(),
    };
  }
  async close(): Promise<void> {
    await Promise.all([this.node.close(), this.chosen && this.chosen !== this.node ? this.chosen.close() : undefined]);
  }
}

/** A standalone Redis alias: one node, or a cluster when its server says so. */
export function createRedisNodeOrCluster(config: CacheConfig): CacheBackend {
  return new DetectingRedisBackend(config);
}
