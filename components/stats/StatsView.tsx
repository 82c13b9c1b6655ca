"use client";

import { useMemo } from "react";
import { windowSummary } from "@/lib/stats/series";
import { useUrlState } from "../ui/url-state";
import { DjangoFigures } from "../namespaces/DjangoRatio";
import { Figure, Notice, Spinner } from "../ui";
import { RANGES, formatRate, formatRatio, formatSince, parseRange, type RangeName } from "./format";
import { RedisHealthPanel } from "./RedisHealth";
import { MemcachedDetails, RedisDetails, ServerTable } from "./ServerDetails";
import { StatsCharts } from "./StatsCharts";
import { useHistory } from "./useHistory";
import { useStats } from "./useStats";

const NOW_S = 60;

/** A cache's live stats page: figures for the last minute and the range, charts, servers, backend details. */
export function StatsView({ alias }: { alias: string }) {
  const { params, set } = useUrlState();
  const range = parseRange(params.get("range"));
  const seconds = RANGES[range];
  const server = params.get("server");
  const stats = useStats(alias, NOW_S);
  const counted = stats.data?.supported === true;
  const history = useHistory(alias, seconds, server, { enabled: counted });
  const points = useMemo(() => history.data?.points ?? [], [history.data]);
  const overRange = useMemo(() => (points.length ? windowSummary(points, seconds, points[points.length - 1].t) : null), [points, seconds]);

  if (stats.isPending) return <Spinner label="Reading the counters…" />;
  if (stats.isError)
    return (
      <Notice tone="error" title="Could not read the stats">
        {stats.error.message}
      </Notice>
    );
  const s = stats.data;
  if (!s.supported) {
    return (
      <div className="space-y-4">
        <DjangoFigures alias={alias} />
        <Notice tone="info" title="This cache's server keeps no counters to chart">
          {s.reason}
        </Notice>
      </div>
    );
  }
  const now = s.window;
  const selected = server ? s.servers.find((x) => x.server === server) : undefined;
  const at = s.at ?? 0;
  return (
    <div className="space-y-4">
      <Notice tone="info" title="What these numbers cover">
        {s.scope} Ratios and rates come from counter changes between samples taken every {s.intervalMs / 1000} s, not from lifetime totals;
        a restart or a counter reset starts a new series (a gap in the charts).
      </Notice>
      <DjangoFigures alias={alias} />
      {s.downSince !== null ? (
        <Notice tone="error" title={`Down since ${new Date(s.downSince).toLocaleTimeString()} (${formatSince(s.downSince, at)})`}>
          {s.servers
            .map((x) => x.error)
            .filter(Boolean)
            .join("; ")}
        </Notice>
      ) : null}

      <div className="flex flex-wrap items-end gap-6">
        <Figure label={`Hit ratio, last ${NOW_S} s`} testId="hit-ratio-now" value={now ? formatRatio(now.hitRatio) : "—"} />
        <Figure label={`Lookups, last ${NOW_S} s`} testId="ops-now" value={now ? formatRate(now.opsPerSec) : "—"} />
        <Figure label={`Hits / misses, last ${NOW_S} s`} testId="hits-now" value={now ? `${now.hits} / ${now.misses}` : "—"} />
        <Figure
          label={`Hit ratio, last ${range}${server ? " (this server)" : ""}`}
          testId="hit-ratio-range"
          value={formatRatio(overRange?.hitRatio)}
        />
        <Figure label={`Evictions, last ${range}`} testId="evictions-range" value={formatRate(overRange?.evictionsPerSec)} />
        <div className="ml-auto flex gap-1" role="group" aria-label="Range">
          {(Object.keys(RANGES) as RangeName[]).map((r) => (
            <button
              key={r}
              type="button"
              aria-pressed={r === range}
              onClick={() => set({ range: r })}
              className={`rounded border px-2 py-1 text-xs ${r === range ? "border-sky-600 bg-sky-600 text-white" : "border-slate-300 bg-white"}`}
            >
              {r}
            </button>
          ))}
        </div>
      </div>

      {s.servers.length > 1 || server ? (
        <div className="flex items-center gap-2 text-xs">
          <span className="text-slate-500">Charts for:</span>
          <select
            aria-label="Server"
            className="rounded border border-slate-300 bg-white px-2 py-1"
            value={server ?? ""}
            onChange={(e) => set({ server: e.target.value || null })}
          >
            <option value="">all {s.servers.length} servers (summed)</option>
            {s.servers.map((x) => (
              <option key={x.server} value={x.server}>
                {x.server}
              </option>
            ))}
          </select>
        </div>
      ) : null}

      {history.isError ? (
        <Notice tone="error" title="Could not read the history">
          {history.error.message}
        </Notice>
      ) : points.filter((p) => p.hits !== null).length === 0 ? (
        <Notice tone="info" title="Collecting">
          Collecting, first point in {s.intervalMs / 1000} s: a rate needs two samples.
        </Notice>
      ) : null}
      <StatsCharts points={points} seconds={seconds} at={at} />

      <ServerTable servers={s.servers} selected={server} onSelect={(x) => set({ server: x })} at={at} />

      {s.kind === "redis" ? <RedisHealthPanel alias={alias} server={server} /> : null}

      <div className="grid gap-3 xl:grid-cols-2">
        {(selected ? [selected] : s.servers).map((x) => {
          if (s.kind === "redis") {
            const extra = s.extra.byServer[x.server];
            return extra ? <RedisDetails key={x.server} server={x} extra={extra} /> : null;
          }
          if (s.kind === "memcached") {
            const extra = s.extra.byServer[x.server];
            return extra ? <MemcachedDetails key={x.server} server={x} extra={extra} at={at} /> : null;
          }
          return null;
        })}
      </div>
    </div>
  );
}
