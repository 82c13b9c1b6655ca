import { formatMs } from "../namespaces/timing-format";
import type { LatencySummary } from "./types";

const W = 260;
const H = 60;

/**
 * One latency histogram as columns over the companion's fixed log-scale buckets (each bucket its own count): every
 * cache's is drawn on the same buckets, so their shapes compare side by side.
 */
export function Distribution({ summary, label, testId }: { summary: LatencySummary; label: string; testId?: string }) {
  const buckets = summary.buckets;
  const most = Math.max(1, ...buckets.map((b) => b.count));
  const colW = buckets.length > 0 ? W / buckets.length : W;
  const first = buckets.findIndex((b) => b.count > 0);
  const last = buckets.length - 1 - [...buckets].reverse().findIndex((b) => b.count > 0);
  const edge = (i: number) => (i < 0 || i >= buckets.length ? "" : buckets[i].leMs === null ? "more" : `≤ ${formatMs(buckets[i].leMs)}`);
  return (
    <figure data-testid={testId} className="space-y-0.5">
      <figcaption className="text-xs text-slate-600">
        {label}: <span className="tabular-nums">{summary.count}</span> calls · p50 {formatMs(summary.p50Ms)} · p95 {formatMs(summary.p95Ms)}{" "}
        · p99 {formatMs(summary.p99Ms)}
      </figcaption>
      <svg role="img" aria-label={`${label} latency distribution`} width={W} height={H} className="rounded bg-slate-50">
        {buckets.map((b, i) => {
          const h = (b.count / most) * (H - 4);
          return (
            <rect key={i} x={i * colW + 1} y={H - h} width={Math.max(1, colW - 2)} height={h} className="fill-indigo-400">
              <title>{`${b.leMs === null ? "longer" : `≤ ${formatMs(b.leMs)}`}: ${b.count}`}</title>
            </rect>
          );
        })}
      </svg>
      {first >= 0 ? (
        <div className="flex justify-between text-[10px] text-slate-500" style={{ width: W }}>
          <span>{edge(first)}</span>
          <span>{edge(last)}</span>
        </div>
      ) : null}
    </figure>
  );
}
