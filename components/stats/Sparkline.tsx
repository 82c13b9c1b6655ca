import { sparklineDot, sparklinePath } from "./sparkline-path";

/** A small hit-ratio line (0..100%) over a fixed time span; gaps where the series restarted or the cache was down. */
export function Sparkline({
  points,
  from,
  to,
  width = 120,
  height = 24,
  label,
}: {
  points: { t: number; v: number | null }[];
  from: number;
  to: number;
  width?: number;
  height?: number;
  label: string;
}) {
  const d = sparklinePath(points, from, to, 1, width, height);
  const dot = sparklineDot(points, from, to, 1, width, height);
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} className="overflow-visible">
      <rect x={0} y={0} width={width} height={height} className="fill-slate-50" />
      <path d={d} fill="none" strokeWidth={1.25} className="stroke-emerald-600" vectorEffect="non-scaling-stroke" />
      {dot ? <circle cx={dot.x} cy={dot.y} r={2} className="fill-emerald-600" /> : null}
    </svg>
  );
}
