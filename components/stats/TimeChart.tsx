"use client";

import { useEffect, useRef } from "react";
import uPlot from "uplot";
import type { Column } from "./history";
import "uplot/dist/uPlot.min.css";

/**
 * One live time-series chart. uPlot draws on a canvas and takes new data with setData(), so a chart made once is
 * updated in place every poll: an hour of points (1800 per series at 2 s) redraws in well under a frame.
 */

export interface ChartSeries {
  label: string;
  color: string;
  /** Filled area under the line (rates), or a plain line (levels). */
  fill?: boolean;
}

export interface TimeChartProps {
  title: string;
  series: ChartSeries[];
  /** [xs in seconds, one column per series]; null = a gap (a reset, an outage), undefined = drawn across. */
  data: [number[], ...Column[]];
  /** The x range shown, in seconds: the chart keeps its width in time even while the history is still short. */
  xRange: [number, number];
  format: (v: number) => string;
  /** Fixed y range (a ratio: [0, 1]); otherwise from zero to the data's max. */
  yRange?: [number, number];
  height?: number;
  testId?: string;
}

export function TimeChart({ title, series, data, xRange, format, yRange, height = 160, testId }: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  // Read by uPlot's callbacks, which are made once per chart.
  const live = useRef({ xRange, format, yRange });
  const shape = JSON.stringify(series);

  // First of the effects, so a chart made or redrawn below already reads this render's range and format.
  useEffect(() => {
    live.current = { xRange, format, yRange };
  }, [xRange, format, yRange]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const specs = JSON.parse(shape) as ChartSeries[];
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true, range: () => live.current.xRange },
        y: {
          range: (_u, _min, max) => live.current.yRange ?? [0, max > 0 ? max * 1.1 : 1],
        },
      },
      axes: [
        { stroke: "#64748b", grid: { stroke: "#e2e8f0" } },
        {
          stroke: "#64748b",
          grid: { stroke: "#e2e8f0" },
          size: 64,
          values: (_u, splits) => splits.map((v) => live.current.format(v)),
        },
      ],
      series: [
        {},
        ...specs.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          ...(s.fill ? { fill: `${s.color}22` } : {}),
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? "—" : live.current.format(v)),
        })),
      ],
    };
    const u = new uPlot(opts, [[], ...specs.map(() => [])], el);
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [shape, height]);

  useEffect(() => {
    chart.current?.setData(data as uPlot.AlignedData);
  }, [data, shape, xRange]);

  return (
    <figure className="rounded border border-slate-200 bg-white p-2" data-testid={testId}>
      <figcaption className="mb-1 text-xs font-medium uppercase tracking-wide text-slate-600">{title}</figcaption>
      {/* What the chart holds, for tests and for anyone inspecting the page. */}
      <div ref={box} data-points={data[0].length} data-last={data[0].length ? data[0][data[0].length - 1] : ""} />
    </figure>
  );
}
