import { escapeLabelValue } from "@/lib/stats/prometheus";
import type { Counts } from "./parse";
import type { NamespacesAnswer } from "./service";

/**
 * The companion's counters in Prometheus text: per alias, and per namespace for the busiest TOP_N namespaces of each
 * alias (by requests), so a site with thousands of names cannot blow up the scrape. Counts are of the last window (a
 * gauge: the buckets expire, so no lifetime counter exists to expose). Pure.
 */

export const TOP_N = 50;

type Subset = Pick<NamespacesAnswer, "alias" | "windowSeconds" | "namespaces" | "total" | "source">;

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
  for (const [field, name] of FIELDS) {
    const metric = `cachescope_namespace_${name}`;
    lines.push(
      `# HELP ${metric} Cache ${name} per Django namespace counted by the companion over the last ${window} s; the ${topN} busiest namespaces per alias.`,
      `# TYPE ${metric} gauge`,
    );
    for (const a of live) {
      const top = [...a.namespaces].sort((x, y) => y.hits + y.misses - (x.hits + x.misses) || y.sets - x.sets).slice(0, topN);
      for (const ns of top) {
        const labels = `alias="${escapeLabelValue(a.alias)}",namespace="${escapeLabelValue(ns.name)}",kind="${ns.kind}"`;
        lines.push(`${metric}{${labels}} ${ns[field]}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}
