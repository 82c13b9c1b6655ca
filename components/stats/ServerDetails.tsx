"use client";

import { useState } from "react";
import { formatBytes, formatCount, formatTtl } from "@/lib/format";
import { Notice } from "../ui";
import { formatRate, formatRatio, formatSince, usedShare } from "./format";
import type { MemcachedExtra, RedisExtra, ServerAnswer, SlabClassStats } from "./types";

/** Per-server tables of the stats page: the pool's servers, then what each backend adds (Redis memory, memcached slabs). */

export function ServerTable({
  servers,
  selected,
  onSelect,
  at,
}: {
  servers: ServerAnswer[];
  selected: string | null;
  onSelect: (server: string | null) => void;
  at: number;
}) {
  return (
    <table className="w-full border-collapse rounded border border-slate-200 bg-white text-xs" data-testid="server-table">
      <thead className="bg-slate-100 text-left uppercase tracking-wide text-slate-600">
        <tr>
          <th className="px-2 py-1">Server</th>
          <th className="px-2 py-1">Hit ratio (60 s)</th>
          <th className="px-2 py-1">Lookups</th>
          <th className="px-2 py-1">Items</th>
          <th className="px-2 py-1">Memory</th>
          <th className="px-2 py-1">Evictions (lifetime)</th>
          <th className="px-2 py-1">Uptime</th>
          <th className="px-2 py-1">Version</th>
        </tr>
      </thead>
      <tbody className="tabular-nums">
        {servers.map((s) => (
          <tr key={s.server} className={`border-t border-slate-100 ${selected === s.server ? "bg-sky-50" : ""}`}>
            <td className="px-2 py-1">
              <button
                type="button"
                className="mono text-sky-700 hover:underline"
                onClick={() => onSelect(selected === s.server ? null : s.server)}
              >
                {s.server}
              </button>
              {s.ok ? null : (
                <div className="text-red-700">
                  down{s.downSince !== null ? ` since ${new Date(s.downSince).toLocaleTimeString()} (${formatSince(s.downSince, at)})` : ""}
                  : {s.error}
                </div>
              )}
            </td>
            <td className="px-2 py-1">{formatRatio(s.window?.hitRatio)}</td>
            <td className="px-2 py-1">{formatRate(s.window?.opsPerSec)}</td>
            <td className="px-2 py-1">{s.items === null ? "—" : formatCount(s.items)}</td>
            <td className="px-2 py-1">
              {formatBytes(s.bytes)}
              {s.maxBytes ? ` / ${formatBytes(s.maxBytes)}` : ""}
            </td>
            <td className="px-2 py-1">{s.evictions === null ? "—" : formatCount(s.evictions)}</td>
            <td className="px-2 py-1">{s.uptimeSeconds === null ? "—" : formatTtl(s.uptimeSeconds)}</td>
            <td className="px-2 py-1">{s.version ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const NEAR_LIMIT = 0.9;

export function RedisDetails({ server, extra }: { server: ServerAnswer; extra: RedisExtra }) {
  const share = usedShare(server.bytes, server.maxBytes);
  const policy = extra.maxmemory_policy;
  const frag = extra.mem_fragmentation_ratio;
  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-3" data-testid="redis-details">
      <h3 className="font-medium">
        Redis <span className="mono text-xs text-slate-500">{server.server}</span>
      </h3>
      {policy === "noeviction" && share !== null && share >= NEAR_LIMIT ? (
        <Notice tone="error" title={`Memory at ${formatRatio(share)} of maxmemory with policy noeviction`}>
          When it is full Redis refuses writes (OOM errors): Django&apos;s cache.set() calls will fail instead of old keys making room.
          Raise maxmemory or use an eviction policy such as allkeys-lru.
        </Notice>
      ) : null}
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-xs">
        {extra.cluster ? (
          <>
            <dt className="text-slate-500">Cluster node</dt>
            <dd data-testid="cluster-role">
              {extra.cluster.role === "primary"
                ? `primary · slots ${extra.cluster.slots || "none"}`
                : `replica of ${extra.cluster.primary ?? "?"}`}
              {" · "}cluster_state:{extra.cluster.state}
            </dd>
          </>
        ) : null}
        <dt className="text-slate-500">Memory used / maxmemory</dt>
        <dd className="tabular-nums">
          {formatBytes(server.bytes)} /{" "}
          {server.maxBytes ? `${formatBytes(server.maxBytes)} (${formatRatio(share)})` : "no limit (maxmemory 0: bounded by the machine)"}
        </dd>
        <dt className="text-slate-500">Eviction policy</dt>
        <dd className="mono">
          {policy ?? "—"}
          {policy === "noeviction" ? <span className="ml-2 font-sans text-amber-700">writes fail when memory is full</span> : null}
        </dd>
        <dt className="text-slate-500">Fragmentation ratio</dt>
        <dd>
          <span className="tabular-nums">{frag === null ? "—" : frag.toFixed(2)}</span>{" "}
          <span className="text-slate-500">
            resident memory (RSS {formatBytes(extra.used_memory_rss)}) ÷ memory Redis asked for. About 1.0 is healthy; well above 1.5 means
            memory is lost to fragmentation (activedefrag can win it back); below 1.0 means part of Redis is swapped out. Tiny datasets read
            high because of fixed overhead.
          </span>
        </dd>
        <dt className="text-slate-500">Peak memory</dt>
        <dd>{formatBytes(extra.used_memory_peak)}</dd>
        <dt className="text-slate-500">Expired / evicted keys (lifetime, server-wide)</dt>
        <dd className="tabular-nums">
          {server.expirations === null ? "—" : formatCount(server.expirations)} /{" "}
          {server.evictions === null ? "—" : formatCount(server.evictions)}
        </dd>
        <dt className="text-slate-500">Clients connected</dt>
        <dd>{extra.connected_clients ?? "—"}</dd>
      </dl>
      <table className="text-xs" data-testid="redis-keyspace">
        <thead className="text-left text-slate-500">
          <tr>
            <th className="pr-4">Database</th>
            <th className="pr-4">Keys</th>
            <th className="pr-4">With TTL</th>
            <th>Average TTL</th>
          </tr>
        </thead>
        <tbody className="tabular-nums">
          {Object.entries(extra.keyspace).map(([db, k]) => (
            <tr key={db} className={db === `db${extra.db}` ? "font-semibold" : ""}>
              <td className="pr-4">
                {db}
                {db === `db${extra.db}` ? " (this alias)" : ""}
              </td>
              <td className="pr-4">{formatCount(k.keys)}</td>
              <td className="pr-4">{formatCount(k.expires)}</td>
              <td>{k.avgTtlMs ? formatTtl(k.avgTtlMs / 1000) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function slabLoss(s: SlabClassStats): number {
  return Math.max(0, s.memUsed - s.memRequested);
}

/**
 * Per-class rates of items evicted or expired unread: from the counters' change since the previous answer, or
 * averaged over the server's uptime on the first one (the counters are totals since start).
 */
function useUnfetchedRates(server: ServerAnswer, extra: MemcachedExtra, at: number) {
  type Seen = { at: number; slabs: SlabClassStats[] };
  // The answer before this one: state updated while rendering a new answer (React's pattern for "previous props").
  const [seen, setSeen] = useState<{ current: Seen; previous: Seen | null }>({ current: { at, slabs: extra.slabs }, previous: null });
  if (seen.current.at !== at) setSeen({ current: { at, slabs: extra.slabs }, previous: seen.current });
  const last = seen.current.at === at ? seen.previous : seen.current;
  const since = last && at > last.at ? (at - last.at) / 1000 : null;
  const rates = new Map<number, { evicted: number | null; expired: number | null }>();
  for (const s of extra.slabs) {
    const before = last?.slabs.find((b) => b.slabClass === s.slabClass);
    if (since !== null && before && s.evictedUnfetched >= before.evictedUnfetched && s.expiredUnfetched >= before.expiredUnfetched) {
      rates.set(s.slabClass, {
        evicted: (s.evictedUnfetched - before.evictedUnfetched) / since,
        expired: (s.expiredUnfetched - before.expiredUnfetched) / since,
      });
    } else {
      const up = server.uptimeSeconds;
      rates.set(
        s.slabClass,
        up ? { evicted: s.evictedUnfetched / up, expired: s.expiredUnfetched / up } : { evicted: null, expired: null },
      );
    }
  }
  return { rates, measured: since !== null };
}

export function MemcachedDetails({ server, extra, at }: { server: ServerAnswer; extra: MemcachedExtra; at: number }) {
  const slabs = extra.slabs.filter((s) => s.usedChunks > 0 || s.items > 0 || s.totalPages > 0);
  const unfetched = useUnfetchedRates(server, extra, at);
  // Per-class get hits come from "stats slabs" where the backend passes them on.
  const hitsOf = (s: SlabClassStats) => (s as SlabClassStats & { getHits?: number | null }).getHits;
  const withHits = slabs.some((s) => typeof hitsOf(s) === "number");
  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-3" data-testid="memcached-details">
      <h3 className="font-medium">
        memcached <span className="mono text-xs text-slate-500">{server.server}</span>
      </h3>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-xs">
        <dt className="text-slate-500">Evictions (lifetime)</dt>
        <dd className="tabular-nums">
          {server.evictions === null ? "—" : formatCount(server.evictions)}
          {extra.evictedUnfetched !== null ? ` · ${formatCount(extra.evictedUnfetched)} evicted before anyone read them` : ""}
        </dd>
        <dt className="text-slate-500">Expired unfetched</dt>
        <dd className="tabular-nums">
          {extra.expiredUnfetched === null ? "—" : formatCount(extra.expiredUnfetched)}{" "}
          <span className="text-slate-500">items that expired without ever being read: cached for nothing</span>
        </dd>
        <dt className="text-slate-500">Item size limit</dt>
        <dd>
          {formatBytes(extra.itemSizeMax)}{" "}
          <span className="text-slate-500">(-I; a Django value bigger than this, key and header included, is silently never cached)</span>
        </dd>
        <dt className="text-slate-500">Lost to slab rounding</dt>
        <dd>
          {extra.fragmentation === null ? "—" : formatRatio(extra.fragmentation)}{" "}
          <span className="text-slate-500">of the chunk memory items hold (an item takes a whole chunk of its class)</span>
        </dd>
      </dl>
      {slabs.length ? (
        <table className="w-full text-xs" data-testid="slab-table">
          <thead className="text-left text-slate-500">
            <tr>
              <th className="pr-3">Class</th>
              <th className="pr-3">Chunk size</th>
              <th className="pr-3">Items</th>
              <th className="pr-3">Used / free chunks</th>
              <th className="pr-3">Pages</th>
              <th className="pr-3">Requested / held</th>
              <th className="pr-3">Lost</th>
              <th
                className="pr-3"
                title={
                  unfetched.measured
                    ? "Items of the class evicted / expired without ever being read, per second since the previous refresh"
                    : "Items of the class evicted / expired without ever being read, per second averaged since the server started"
                }
              >
                Unread evicted / expired{unfetched.measured ? "" : " (avg)"}
              </th>
              {withHits ? <th>Get hits</th> : null}
            </tr>
          </thead>
          <tbody className="tabular-nums">
            {slabs.map((s) => (
              <tr key={s.slabClass} className="border-t border-slate-100">
                <td className="pr-3">{s.slabClass}</td>
                <td className="pr-3">{formatBytes(s.chunkSize)}</td>
                <td className="pr-3">{formatCount(s.items)}</td>
                <td className="pr-3">
                  {formatCount(s.usedChunks)} / {formatCount(s.freeChunks)}
                </td>
                <td className="pr-3">{s.totalPages}</td>
                <td className="pr-3">
                  {formatBytes(s.memRequested)} / {formatBytes(s.memUsed)}
                </td>
                <td className="pr-3">
                  {formatBytes(slabLoss(s))} ({formatRatio(s.fragmentation)})
                </td>
                <td className="pr-3" data-testid="slab-unfetched">
                  {formatRate(unfetched.rates.get(s.slabClass)?.evicted)} / {formatRate(unfetched.rates.get(s.slabClass)?.expired)}
                </td>
                {withHits ? <td>{typeof hitsOf(s) === "number" ? formatCount(hitsOf(s) as number) : "—"}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="text-xs text-slate-500">No slab class holds items yet.</p>
      )}
    </section>
  );
}
