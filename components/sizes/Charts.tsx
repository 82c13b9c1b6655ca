import type { HistogramBucket, KindRow } from "@/lib/analysis/types";
import { formatBytes, formatCount, formatTtl } from "@/lib/format";
import { KindBadge } from "../ui";

function pct(part: number, whole: number): string {
  return `${whole > 0 ? Math.max(0.5, (part / whole) * 100) : 0}%`;
}

/** Bytes and key counts per kind of Django key, as two bars each. */
export function KindBars({ rows }: { rows: KindRow[] }) {
  const maxBytes = Math.max(0, ...rows.map((r) => r.bytes));
  const maxKeys = Math.max(0, ...rows.map((r) => r.keys));
  const sorted = [...rows].sort((a, b) => b.bytes - a.bytes || b.keys - a.keys);
  return (
    <div className="space-y-2" data-testid="kind-bars">
      {sorted.map((r) => (
        <div key={r.kind} className="grid grid-cols-[7rem_1fr_7rem] items-center gap-2 text-sm">
          <KindBadge kind={r.kind} />
          <div className="space-y-0.5">
            <div className="h-3 rounded bg-sky-500" style={{ width: pct(r.bytes, maxBytes) }} title={`${formatBytes(r.bytes)}`} />
            <div className="h-1.5 rounded bg-slate-400" style={{ width: pct(r.keys, maxKeys) }} title={`${formatCount(r.keys)} keys`} />
          </div>
          <div className="text-right text-xs tabular-nums">
            <div>{formatBytes(r.bytes)}</div>
            <div className="text-slate-500">{formatCount(r.keys)} keys</div>
          </div>
        </div>
      ))}
      <p className="text-xs text-slate-500">Thick bar: bytes; thin bar: keys.</p>
    </div>
  );
}

/** Vertical bars over fixed buckets; `label` names each bucket's upper bound. */
export function HistogramBars({
  buckets,
  label,
  extra,
  testId,
}: {
  buckets: HistogramBucket[];
  label: (le: number | null, prev: number | null) => string;
  extra?: { label: string; count: number };
  testId: string;
}) {
  const bars = [
    ...buckets.map((b, i) => ({ label: label(b.le, i > 0 ? buckets[i - 1].le : null), count: b.count })),
    ...(extra ? [extra] : []),
  ];
  const max = Math.max(0, ...bars.map((b) => b.count));
  return (
    <div data-testid={testId}>
      <div className="flex h-32 items-end gap-1">
        {bars.map((b) => (
          <div key={b.label} className="flex h-full flex-1 flex-col justify-end" title={`${b.label}: ${formatCount(b.count)}`}>
            <div className="text-center text-[10px] tabular-nums text-slate-600">{b.count > 0 ? formatCount(b.count) : ""}</div>
            <div
              className="rounded-t bg-indigo-400"
              style={{ height: max > 0 && b.count > 0 ? `${Math.max(2, (b.count / max) * 100)}%` : "0" }}
            />
          </div>
        ))}
      </div>
      <div className="mt-1 flex gap-1">
        {bars.map((b) => (
          <div key={b.label} className="flex-1 text-center text-[10px] leading-tight text-slate-600">
            {b.label}
          </div>
        ))}
      </div>
    </div>
  );
}

export function sizeLabel(le: number | null, prev: number | null): string {
  return le === null ? `> ${formatBytes(prev)}` : `≤ ${formatBytes(le)}`;
}

export function ttlLabel(le: number | null, prev: number | null): string {
  return le === null ? `> ${formatTtl(prev)}` : `≤ ${formatTtl(le)}`;
}
