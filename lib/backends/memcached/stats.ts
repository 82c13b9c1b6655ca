import type { ServerStats } from "@/lib/backends/types";

/** One slab class: where memory goes and how much of it items actually use. */
export interface SlabClassStats {
  slabClass: number;
  chunkSize: number;
  items: number;
  usedChunks: number;
  freeChunks: number;
  totalPages: number;
  /** Bytes the items of this class asked for. */
  memRequested: number;
  /** Bytes held by their chunks (usedChunks × chunkSize): the difference is lost to rounding up to the chunk size. */
  memUsed: number;
  /** 1 - memRequested / memUsed: 0 = no loss. */
  fragmentation: number;
  /** Items of this class evicted, or expired, without ever being read (counters since start: the page shows rates). */
  evictedUnfetched: number;
  expiredUnfetched: number;
}

export interface MemcachedExtra {
  itemSizeMax: number | null;
  expiredUnfetched: number | null;
  evictedUnfetched: number | null;
  totalMalloced: number | null;
  /** Over all classes: 1 - memRequested / memUsed. */
  fragmentation: number | null;
  slabs: SlabClassStats[];
  [key: string]: unknown;
}

function num(map: Map<string, string>, name: string): number | null {
  const text = map.get(name);
  if (text === undefined) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** Groups "N:field" (stats slabs) or "items:N:field" (stats items) by class number. */
function byClass(map: Map<string, string>, strip: string): Map<number, Map<string, string>> {
  const classes = new Map<number, Map<string, string>>();
  for (const [name, value] of map) {
    if (!name.startsWith(strip)) continue;
    const rest = name.slice(strip.length);
    const colon = rest.indexOf(":");
    if (colon <= 0) continue;
    const cls = Number(rest.slice(0, colon));
    if (!Number.isInteger(cls)) continue;
    let fields = classes.get(cls);
    if (!fields) classes.set(cls, (fields = new Map()));
    fields.set(rest.slice(colon + 1), value);
  }
  return classes;
}

export function slabClasses(slabs: Map<string, string>, items: Map<string, string>): SlabClassStats[] {
  const slabMap = byClass(slabs, "");
  const itemMap = byClass(items, "items:");
  const out: SlabClassStats[] = [];
  for (const [cls, s] of [...slabMap].sort((a, b) => a[0] - b[0])) {
    const it = itemMap.get(cls) ?? new Map<string, string>();
    const chunkSize = num(s, "chunk_size") ?? 0;
    const usedChunks = num(s, "used_chunks") ?? 0;
    const memRequested = num(it, "mem_requested") ?? 0;
    const memUsed = usedChunks * chunkSize;
    out.push({
      slabClass: cls,
      chunkSize,
      items: num(it, "number") ?? 0,
      usedChunks,
      freeChunks: num(s, "free_chunks") ?? 0,
      totalPages: num(s, "total_pages") ?? 0,
      memRequested,
      memUsed,
      fragmentation: memUsed > 0 ? Math.max(0, 1 - memRequested / memUsed) : 0,
      evictedUnfetched: num(it, "evicted_unfetched") ?? 0,
      expiredUnfetched: num(it, "expired_unfetched") ?? 0,
    });
  }
  return out;
}

/** ServerStats from the replies of stats, stats slabs, stats items and stats settings. */
export function serverStats(
  server: string,
  general: Map<string, string>,
  slabs: Map<string, string>,
  items: Map<string, string>,
  settings: Map<string, string>,
): ServerStats {
  const classes = slabClasses(slabs, items);
  const requested = classes.reduce((a, c) => a + c.memRequested, 0);
  const used = classes.reduce((a, c) => a + c.memUsed, 0);
  const extra: MemcachedExtra = {
    itemSizeMax: num(settings, "item_size_max"),
    expiredUnfetched: num(general, "expired_unfetched"),
    evictedUnfetched: num(general, "evicted_unfetched"),
    totalMalloced: num(slabs, "total_malloced"),
    fragmentation: used > 0 ? Math.max(0, 1 - requested / used) : null,
    slabs: classes,
    reclaimed: num(general, "reclaimed"),
    currConnections: num(general, "curr_connections"),
    cmdGet: num(general, "cmd_get"),
    cmdSet: num(general, "cmd_set"),
  };
  return {
    server,
    ok: true,
    hits: num(general, "get_hits"),
    misses: num(general, "get_misses"),
    items: num(general, "curr_items"),
    bytes: num(general, "bytes"),
    maxBytes: num(general, "limit_maxbytes"),
    evictions: num(general, "evictions"),
    uptimeSeconds: num(general, "uptime"),
    version: general.get("version") ?? null,
    extra,
  };
}
