import { BackendError } from "../errors";
import { configForLocation, connectionOf } from "@/lib/config/connection";
import type { CacheConfig } from "@/lib/config/types";
import { failureOf, fanOut, poolStatus, rowsByServer, sumOrThrow } from "../pool";
import { downHealth } from "./health";
import { parseRedisLocation } from "./location";
import type {
  BackendStatus,
  Capabilities,
  CacheBackend,
  ColdBasis,
  RedisServerHealth,
  CounterBucketRead,
  EntryRef,
  IterateOptions,
  KeyPage,
  KeyRow,
  ListOptions,
  RawEntry,
  StatsSnapshot,
} from "../types";

/**
 * django-redis ShardClient: every LOCATION is a Redis of its own and each key lives on one of them, chosen by
 * django-redis's hash ring. The ring is not reproduced (on purpose, like memcached pools): listings walk each server
 * in turn, rows carry the server that listed them and are deleted there, and a key asked for by name is looked for
 * (or deleted) on every server. Status, per-server errors and rows naming no shard follow the pool's rules (pool.ts).
 */

/** Cursor of a sharded listing: the server's index and that server's own cursor. */
function encodeCursor(index: number, inner: string | null): string {
  return `${index}:${inner ?? ""}`;
}

function decodeCursor(cursor: string | null, servers: number): { index: number; inner: string | null } {
  if (cursor === null) return { index: 0, inner: null };
  const m = /^(\d+):(.*)$/.exec(cursor);
  const index = m ? Number(m[1]) : -1;
  if (!m || index >= servers) throw new BackendError("invalid_cursor", "cursor: not one this listing gave out");
  return { index, inner: m[2] === "" ? null : m[2] };
}

interface Shard {
  /** Its server's label, as its rows carry it. */
  label: string;
  backend: CacheBackend;
}

function labelOf(shard: CacheBackend): string {
  try {
    const real = connectionOf(shard.config);
    return parseRedisLocation(real.locations[0], real.options).label;
  } catch {
    return shard.config.locations[0];
  }
}

class ShardedRedisBackend implements CacheBackend {
  readonly capabilities: Capabilities;
  private readonly byLabel: Map<string, Shard>;

  constructor(
    readonly config: CacheConfig,
    private readonly shards: Shard[],
  ) {
    this.capabilities = shards[0].backend.capabilities;
    this.byLabel = new Map(shards.map((s) => [s.label, s]));
  }

  /** The pool's rule (pool.ts) over every shard's server. */
  async status(): Promise<BackendStatus> {
    const each = await Promise.all(this.shards.map((s) => s.backend.status()));
    return poolStatus(each.flatMap((s) => s.servers ?? []));
  }

  async listKeys(opts: ListOptions): Promise<KeyPage> {
    const { index, inner } = decodeCursor(opts.cursor, this.shards.length);
    const page = await this.shards[index].backend.listKeys({ ...opts, cursor: inner });
    const last = index + 1 === this.shards.length;
    const cursor = page.cursor !== null ? encodeCursor(index, page.cursor) : last ? null : encodeCursor(index + 1, null);
    return { ...page, cursor };
  }

  /** Looked for on every shard at once (the ring is not reproduced); a shard that fails is named if no other has it. */
  async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
    const outcomes = await fanOut(this.shards, (s) => s.backend.readEntry(ref, maxBytes));
    for (const o of outcomes) if (o.ok && o.value) return o.value;
    const failure = failureOf(outcomes, "not found on the shards that answered");
    if (failure) throw failure;
    return null;
  }

  async deleteEntries(refs: EntryRef[]): Promise<number> {
    return sumOrThrow(await fanOut(this.shards, (s) => s.backend.deleteEntries(refs)), "deleted");
  }

  /** Each row on the shard that listed it; a row naming no shard refuses the batch (pool.ts). */
  async deleteListed(rows: KeyRow[]): Promise<number> {
    const groups = [...rowsByServer(rows, this.byLabel)].map(([shard, mine]) => ({ label: shard.label, shard, mine }));
    return sumOrThrow(await fanOut(groups, (g) => g.shard.backend.deleteListed(g.mine)), "deleted");
  }

  async *iterate(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    for (const shard of this.shards) yield* shard.backend.iterate(opts);
  }

  /** Each shard's own basis; where they differ (mixed versions or policies), the first shard's, with every note. */
  async coldBasis(): Promise<ColdBasis> {
    const each = await Promise.all(
      this.shards.map(async (s) => ({ label: s.label, basis: s.backend.coldBasis ? await s.backend.coldBasis().catch(() => null) : null })),
    );
    const known = each.filter((e): e is { label: string; basis: ColdBasis } => e.basis !== null);
    const first = known[0]?.basis;
    if (!first) return { basis: null, note: "No shard can tell idle times.", idle1h: false, idle24h: false };
    if (known.every((e) => e.basis.basis === first.basis)) return first;
    const notes = known.map((e) => `${e.label}: ${e.basis.note}`).join(" ");
    return { ...first, note: `The shards differ; the figures follow the first shard's basis. ${notes}` };
  }

  /** Every shard's panel; a shard that cannot be reached is named with the reason in each of its sections. */
  async serverHealth(): Promise<RedisServerHealth[]> {
    const each = await fanOut(this.shards, (s) => s.backend.serverHealth?.() ?? Promise.resolve([]));
    return each.flatMap((o) => (o.ok ? o.value : [downHealth(o.server, o.error)]));
  }

  async stats(): Promise<StatsSnapshot> {
    const each = await Promise.all(this.shards.map((s) => s.backend.stats()));
    return { at: Date.now(), supported: true, serverWide: true, servers: each.flatMap((s) => s.servers) };
  }

  /** The companion writes its buckets to the first LOCATION (docs/COUNTERS_FORMAT.md), not by the hash ring. */
  async readCounterBuckets(alias: string, buckets: number[]): Promise<Map<number, CounterBucketRead>> {
    return this.shards[0].backend.readCounterBuckets?.(alias, buckets) ?? new Map<number, CounterBucketRead>();
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.backend.close()));
  }
}

export function createShardedRedisBackend(config: CacheConfig, shardOf: (config: CacheConfig) => CacheBackend): CacheBackend {
  return new ShardedRedisBackend(
    config,
    config.locations.map((_, index) => {
      const backend = shardOf(configForLocation(config, index));
      return { label: labelOf(backend), backend };
    }),
  );
}
