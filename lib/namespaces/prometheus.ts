import { escapeLabelValue } from "@/lib/stats/prometheus";
import type { Counts } from "./parse";
import type { NamespacesAnswer } from "./service";
import type { Latency, LatencySummary, Saved } from "./timing";

/**
 * The companion's counters in Prometheus text: per alias, and per namespace for the busiest TOP_N namespaces of each
 * alias (by requests), so a site with thousands of names cannot blow up the scrape. Counts are of the last window (a
 * gauge: the buckets expire, so no lifetime counter exists to expose). Pure.
 */

export const TOP_N = 50;

type Subset = Pick<NamespacesAnswer, "alias" | "windowSeconds" | "namespaces" | "total" | "source"> &
  Partial<Pick<NamespacesAnswer, "latency" | "saved">>;

const FIELDS: [keyof Counts, string][] = [
  ["hits", "hits"],
  ["misses", "misses"],
  ["sets", "sets"],
  ["deletes", "deletes"],
];

export function namespaceMetricsText(answers: Subset[], topN = TOP_N): string {
  const live = answers.filter((a) => a.source === "django");
  const lines: string[] = [];
  const window = live[0]?.windowSeconds ?? 60;
  lines.push(
    "# HELP cachescope_django_hit_ratio Hit ratio of the alias's own gets as the Django companion counted them, last window (absent without reads).",
    "# TYPE cachescope_django_hit_ratio gauge",
  );
  for (const a of live) {
    if (a.total.hitRatio !== null) lines.push(`cachescope_django_hit_ratio{alias="${escapeLabelValue(a.alias)}"} ${a.total.hitRatio}`);
  }
  const tops = live.map((a) => ({
    a,
    top: [...a.namespaces].sort((x, y) => y.hits + y.misses - (x.hits + x.misses) || y.sets - x.sets).slice(0, topN),
  }));
  const nsLabels = (a: Subset, ns: Subset["namespaces"][number]) =>
    `alias="${escapeLabelValue(a.alias)}",namespace="${escapeLabelValue(ns.name)}",kind="${ns.kind}"`;
  for (const [field, name] of FIELDS) {
    const metric = `cachescope_namespace_${name}`;
    lines.push(
      `# HELP ${metric} Cache ${name} per Django namespace counted by the companion over the last ${window} s; the ${topN} busiest namespaces per alias.`,
      `# TYPE ${metric} gauge`,
    );
    for (const { a, top } of tops) for (const ns of top) lines.push(`${metric}{${nsLabels(a, ns)}} ${ns[field]}`);
  }

  // Latency: histograms of the window (not lifetime counters: read them with histogram_quantile directly, not over
  // rate()). Labels stay bounded: the alias, op get|set, and the busiest namespaces only.
  lines.push(
    `# HELP cachescope_django_latency_seconds Latency of this alias's gets and sets timed by the companion over the last ${window} s (no _sum: the companion keeps none).`,
    "# TYPE cachescope_django_latency_seconds histogram",
  );
  for (const a of live) histogramLines(lines, "cachescope_django_latency_seconds", `alias="${escapeLabelValue(a.alias)}"`, a.latency);
  lines.push(
    `# HELP cachescope_namespace_latency_seconds Latency per Django namespace over the last ${window} s; the ${topN} busiest namespaces per alias.`,
    "# TYPE cachescope_namespace_latency_seconds histogram",
  );
  for (const { a, top } of tops)
    for (const ns of top) histogramLines(lines, "cachescope_namespace_latency_seconds", nsLabels(a, ns), ns.latency);

  const saved: [string, string, (s: Saved) => number | null][] = [
    [
      "cost_per_miss_seconds",
      "Mean measured cost of recomputing a miss (absent: unknown)",
      (s) => (s.costPerMissMs === null ? null : s.costPerMissMs / 1000),
    ],
    ["saved_seconds_per_second", "Seconds of work the hits saved per second (absent: cost unknown)", (s) => s.savedSecondsPerSecond],
  ];
  for (const [suffix, help, value] of saved) {
    lines.push(`# HELP cachescope_django_${suffix} ${help}, per alias, last ${window} s.`, `# TYPE cachescope_django_${suffix} gauge`);
    for (const a of live) {
      const v = a.saved ? value(a.saved) : null;
      if (v !== null) lines.push(`cachescope_django_${suffix}{alias="${escapeLabelValue(a.alias)}"} ${v}`);
    }
    lines.push(
      `# HELP cachescope_namespace_${suffix} ${help}, per namespace, last ${window} s.`,
      `# TYPE cachescope_namespace_${suffix} gauge`,
    );
    for (const { a, top } of tops)
      for (const ns of top) {
        const v = value(ns.saved);
        if (v !== null) lines.push(`cachescope_namespace_${suffix}{${nsLabels(a, ns)}} ${v}`);
      }
  }
  return lines.join("\n") + "\n";
}

function histogramLines(lines: string[], metric: string, labels: string, latency: Latency | null | undefined): void {
  if (!latency) return;
  for (const op of ["get", "set"] as const) {
    const l: LatencySummary = latency[op];
    let cumulative = 0;
    for (const b of l.buckets) {
      cumulative += b.count;
      const le = b.leMs === null ? "+Inf" : String(b.leMs / 1000);
      lines.push(`${metric}_bucket{${labels},op="${op}",le="${le}"} ${cumulative}`);
    }
    lines.push(`${metric}_count{${labels},op="${op}"} ${l.count}`);
  }
}
