import { BackendError } from "../errors";
import { configForLocation, connectionOf } from "@/lib/config/connection";
import type { CacheConfig } from "@/lib/config/types";
import { parseRedisLocation } from "./location";
import type {
  BackendStatus,
  Capabilities,
  CacheBackend,
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
 * (or deleted) on every server.
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

class ShardedRedisBackend implements CacheBackend {
  readonly capabilities: Capabilities;
  /** Each shard's server label, as its rows carry it. */
  private readonly labels: string[];

  constructor(
    readonly config: CacheConfig,
    private readonly shards: CacheBackend[],
  ) {
    this.capabilities = shards[0].capabilities;
    this.labels = shards.map((s) => {
      try {
        const real = connectionOf(s.config);
        return parseRedisLocation(real.locations[0], real.options).label;
      } catch {
        return s.config.locations[0];
      }
    });
  }

  async status(): Promise<BackendStatus> {
    const each = await Promise.all(this.shards.map((s) => s.status()));
    const servers = each.flatMap((s) => s.servers ?? []);
    const down = servers.filter((s) => !s.ok);
    return {
      ok: down.length === 0,
      ...(down.length ? { error: `${down.length} of ${servers.length} shards down: ${down.map((s) => `${s.server}: ${s.error}`).join("; ")}` } : {}),
      latencyMs: Math.max(...each.map((s) => s.latencyMs ?? 0)),
      servers,
    };
  }

  async listKeys(opts: ListOptions): Promise<KeyPage> {
    const { index, inner } = decodeCursor(opts.cursor, this.shards.length);
    const page = await this.shards[index].listKeys({ ...opts, cursor: inner });
    const last = index + 1 === this.shards.length;
    const cursor = page.cursor !== null ? encodeCursor(index, page.cursor) : last ? null : encodeCursor(index + 1, null);
    return { ...page, cursor };
  }

  async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
    for (const shard of this.shards) {
      const entry = await shard.readEntry(ref, maxBytes);
      if (entry) return entry;
    }
    return null;
  }

  async deleteEntries(refs: EntryRef[]): Promise<number> {
    let deleted = 0;
    for (const shard of this.shards) deleted += await shard.deleteEntries(refs);
    return deleted;
  }

  /** Each row on the shard that listed it; a row that names no shard we know goes to every one. */
  async deleteListed(rows: KeyRow[]): Promise<number> {
    let deleted = 0;
    for (const [i, shard] of this.shards.entries()) {
      const mine = rows.filter((r) => r.server === this.labels[i] || !this.labels.includes(r.server ?? ""));
      if (mine.length) deleted += await shard.deleteListed(mine);
    }
    return deleted;
  }

  async *iterate(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    for (const shard of this.shards) yield* shard.iterate(opts);
  }

  async stats(): Promise<StatsSnapshot> {
    const each = await Promise.all(this.shards.map((s) => s.stats()));
    return { at: Date.now(), supported: true, serverWide: true, servers: each.flatMap((s) => s.servers) };
  }

  /** The companion writes its buckets to the first LOCATION (docs/COUNTERS_FORMAT.md), not by the hash ring. */
  async readCounterBuckets(alias: string, buckets: number[]): Promise<Map<number, CounterBucketRead>> {
    return this.shards[0].readCounterBuckets?.(alias, buckets) ?? new Map<number, CounterBucketRead>();
  }

  async close(): Promise<void> {
    await Promise.all(this.shards.map((s) => s.close()));
  }
}

export function createShardedRedisBackend(config: CacheConfig, shardOf: (config: CacheConfig) => CacheBackend): CacheBackend {
  return new ShardedRedisBackend(
    config,
    config.locations.map((_, index) => shardOf(configForLocation(config, index))),
  );
}
