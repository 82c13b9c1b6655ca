"use client";

import { useMemo } from "react";
import { formatBytes, formatCount } from "@/lib/format";
import { formatRate } from "./format";
import { columns, ratioValue } from "./history";
import { TimeChart } from "./TimeChart";
import type { HistoryPoint } from "./types";

const pct = (v: number) => `${Math.round(v * 100)}%`;
// Axis ticks between whole counts keep their fraction, or two ticks would read the same.
const count = (v: number) => (Number.isInteger(v) ? formatCount(v) : v.toFixed(1));

/** The five live charts of one cache or one server over the chosen range. */
export function StatsCharts({ points, seconds, at }: { points: HistoryPoint[]; seconds: number; at: number }) {
  // The newest point ends the range; before there is one, the time of the latest sample does.
  const end = (points.length ? points[points.length - 1].t : at) / 1000;
  const xRange = useMemo<[number, number]>(() => [end - seconds, end], [end, seconds]);
  const data = useMemo(
    () => ({
      ratio: columns(points, [ratioValue]),
      lookups: columns(points, [(p) => perSec(p, p.hits), (p) => perSec(p, p.misses)]),
      memory: columns(points, [(p) => p.bytes, (p) => p.maxBytes]),
      churn: columns(points, [(p) => p.evictionsPerSec, (p) => p.expirationsPerSec]),
      items: columns(points, [(p) => p.items]),
    }),
    [points],
  );
  return (
    <div className="grid gap-3 lg:grid-cols-2" data-testid="stats-charts">
      <TimeChart
        testId="chart-hit-ratio"
        title="Hit ratio per interval"
        series={[{ label: "hit ratio", color: "#059669" }]}
        data={data.ratio}
        xRange={xRange}
        yRange={[0, 1]}
        format={pct}
      />
      <TimeChart
        testId="chart-lookups"
        title="Hits and misses per second"
        series={[
          { label: "hits/s", color: "#0284c7", fill: true },
          { label: "misses/s", color: "#dc2626", fill: true },
        ]}
        data={data.lookups}
        xRange={xRange}
        format={formatRate}
      />
      <TimeChart
        testId="chart-memory"
        title="Memory used and limit"
        series={[
          { label: "used", color: "#7c3aed", fill: true },
          { label: "limit", color: "#94a3b8" },
        ]}
        data={data.memory}
        xRange={xRange}
        format={formatBytes}
      />
      <TimeChart
        testId="chart-churn"
        title="Evictions and expirations per second"
        series={[
          { label: "evictions/s", color: "#ea580c", fill: true },
          { label: "expirations/s", color: "#64748b" },
        ]}
        data={data.churn}
        xRange={xRange}
        format={formatRate}
      />
      <TimeChart
        testId="chart-items"
        title="Items"
        series={[{ label: "items", color: "#0f766e" }]}
        data={data.items}
        xRange={xRange}
        format={count}
      />
    </div>
  );
}

function perSec(p: HistoryPoint, n: number | null): number | null {
  return n === null || !p.intervalMs ? null : n / (p.intervalMs / 1000);
}
