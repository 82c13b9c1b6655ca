/**
 * An SVG path for a sparkline: values scaled into width × height, a gap (null) lifts the pen so a reset or an
 * outage shows as a break, not as a line drawn across it. Pure.
 */
export function sparklinePath(
  points: { t: number; v: number | null }[],
  from: number,
  to: number,
  yMax: number,
  width: number,
  height: number,
): string {
  if (to <= from || yMax <= 0) return "";
  const parts: string[] = [];
  let penDown = false;
  for (const p of points) {
    if (p.v === null || p.t < from) {
      penDown = false;
      continue;
    }
    const x = ((p.t - from) / (to - from)) * width;
    const y = height - (Math.min(p.v, yMax) / yMax) * height;
    parts.push(`${penDown ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`);
    penDown = true;
  }
  return parts.join(" ");
}

/** Where the newest value sits, so a line of one point (the first interval of a series) still shows. */
export function sparklineDot(
  points: { t: number; v: number | null }[],
  from: number,
  to: number,
  yMax: number,
  width: number,
  height: number,
): { x: number; y: number } | null {
  const last = points.length ? points[points.length - 1] : undefined;
  if (!last || last.v === null || last.t < from || to <= from || yMax <= 0) return null;
  return { x: ((last.t - from) / (to - from)) * width, y: height - (Math.min(last.v, yMax) / yMax) * height };
}
