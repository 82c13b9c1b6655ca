"use client";

import Link from "next/link";
import { formatBytes } from "@/lib/format";
import { DjangoRatioCell, DjangoRatioLine } from "../namespaces/DjangoRatio";
import type { CacheView } from "../types";
import { formatRate, formatRatio, formatSince, usedShare } from "./format";
import { ratioValue } from "./history";
import { Sparkline } from "./Sparkline";
import { useHistory } from "./useHistory";
import { useStats } from "./useStats";

const WINDOW_S = 60;
const SPARK_S = 900;

/** The home page's live figures for one cache: windowed hit ratio with 15 minutes of sparkline, rates, memory. */
export function CacheStatsCell({ cache }: { cache: CacheView }) {
  const counted = cache.capabilities.serverStats;
  const stats = useStats(cache.alias, WINDOW_S, { poll: counted, enabled: cache.kind !== "unsupported" });
  const history = useHistory(cache.alias, SPARK_S, null, { enabled: counted });

  // LocMemCache and the like: nothing to read from outside, but the companion may report them through a sink.
  if (cache.kind === "unsupported") return <DjangoRatioCell alias={cache.alias} fallback={<span className="text-slate-400">—</span>} />;
  if (stats.isPending) return <span className="text-slate-400">…</span>;
  if (stats.isError) return <span className="text-red-700">{stats.error.message}</span>;
  const s = stats.data;
  // No server counters (FileBasedCache, DummyCache): the companion's, when it reports them, are the only ratio there is.
  if (!s.supported)
    return <DjangoRatioCell alias={cache.alias} fallback={<span className="text-xs text-slate-500">no counters: {s.reason}</span>} />;

  const href = `/caches/${encodeURIComponent(cache.alias)}/stats`;
  if (s.downSince !== null) {
    return (
      <Link href={href} className="text-red-700 hover:underline" data-testid={`stats-down-${cache.alias}`}>
        down since {new Date(s.downSince).toLocaleTimeString()} ({formatSince(s.downSince, s.at ?? s.downSince)})
      </Link>
    );
  }
  const w = s.window;
  const end = history.data?.points.at(-1)?.t ?? s.at ?? 0;
  const share = usedShare(s.totals?.bytes, s.totals?.maxBytes);
  const down = s.servers.filter((srv) => !srv.ok).length;
  return (
    <Link href={href} className="block space-y-0.5 hover:bg-slate-50" data-testid={`stats-cell-${cache.alias}`}>
      <div className="flex items-center gap-2">
        <span
          className="w-14 text-base font-semibold tabular-nums"
          title={`server-wide hit ratio over the last ${WINDOW_S} s (counter deltas)`}
        >
          {w ? formatRatio(w.hitRatio) : "—"}
        </span>
        <Sparkline
          label={`hit ratio, last ${SPARK_S / 60} minutes`}
          points={(history.data?.points ?? []).flatMap((p) => {
            const v = ratioValue(p);
            // An idle interval has no ratio: leave it out so the line runs on; a new series or an outage breaks it.
            return v === undefined ? [] : [{ t: p.t, v }];
          })}
          from={end - SPARK_S * 1000}
          to={end}
        />
      </div>
      {w ? (
        <div className="text-xs text-slate-600 tabular-nums">
          {formatRate(w.opsPerSec)} lookups · evictions {formatRate(w.evictionsPerSec)} ·{" "}
          <span className={share !== null && share > 0.9 ? "text-amber-700" : ""}>
            mem {formatBytes(s.totals?.bytes)}
            {s.totals?.maxBytes ? ` / ${formatBytes(s.totals.maxBytes)}` : " (no limit)"}
          </span>
        </div>
      ) : (
        <div className="text-xs text-slate-500">collecting, first point in {Math.round(s.intervalMs / 1000)} s</div>
      )}
      <DjangoRatioLine alias={cache.alias} />
      {down > 0 ? (
        <div className="text-xs text-amber-700">
          {down} of {s.servers.length} servers down
        </div>
      ) : null}
    </Link>
  );
}
