import { formatMs } from "../namespaces/timing-format";
import { logDomain, logPosition } from "./format";

export interface LatencyRow {
  /** Unique per chart. */
  id: string;
  label: string;
  /** A second, muted label (the backend, "8 clients"). */
  detail?: string;
  p50: number | null;
  p99: number | null;
}

const LABEL_W = 190;
const BAR_W = 420;
const ROW_H = 18;

/**
 * Horizontal bars on one log axis for every row: the bar reaches p50, a thin line continues to p99 (the tail), so
 * caches and client counts compare at a glance. Rows without figures say so instead of drawing nothing.
 */
export function LatencyChart({ rows, testId, title }: { rows: LatencyRow[]; testId: string; title: string }) {
  const { lo, hi } = logDomain(rows.flatMap((r) => [r.p50 ?? 0, r.p99 ?? 0]));
  const decades: number[] = [];
  for (let d = lo; d <= hi * 1.0001; d *= 10) decades.push(d);
  const height = rows.length * ROW_H + 22;
  const x = (v: number) => LABEL_W + logPosition(v, lo, hi) * BAR_W;
  return (
    <figure className="overflow-x-auto" data-testid={testId}>
      <svg role="img" aria-label={title} width={LABEL_W + BAR_W + 90} height={height} className="text-xs">
        {decades.map((d) => (
          <g key={d}>
            <line x1={x(d)} x2={x(d)} y1={0} y2={rows.length * ROW_H} className="stroke-slate-200" />
            <text x={x(d)} y={rows.length * ROW_H + 14} textAnchor="middle" className="fill-slate-500">
              {formatMs(d)}
            </text>
          </g>
        ))}
        {rows.map((r, i) => {
          const y = i * ROW_H;
          return (
            <g key={r.id}>
              <text x={0} y={y + 13} className="fill-slate-800">
                {r.label}
                {r.detail ? <tspan className="fill-slate-500"> {r.detail}</tspan> : null}
              </text>
              {r.p50 !== null && r.p50 > 0 ? (
                <>
                  <rect x={LABEL_W} y={y + 4} width={Math.max(1, x(r.p50) - LABEL_W)} height={ROW_H - 8} className="fill-sky-500">
                    <title>{`${r.label}${r.detail ? ` ${r.detail}` : ""}: p50 ${formatMs(r.p50)}, p99 ${formatMs(r.p99)}`}</title>
                  </rect>
                  {r.p99 !== null && r.p99 > r.p50 ? (
                    <line x1={x(r.p50)} x2={x(r.p99)} y1={y + ROW_H / 2} y2={y + ROW_H / 2} className="stroke-sky-800" strokeWidth={2} />
                  ) : null}
                  <text x={x(Math.max(r.p50, r.p99 ?? 0)) + 4} y={y + 13} className="fill-slate-700">
                    {formatMs(r.p50)} / {formatMs(r.p99)}
                  </text>
                </>
              ) : (
                <text x={LABEL_W + 4} y={y + 13} className="fill-slate-400">
                  no figures
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="text-xs text-slate-500">Bar: p50; line: on to p99 (log scale).</figcaption>
    </figure>
  );
}
