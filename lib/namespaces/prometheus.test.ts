import { describe, expect, it } from "vitest";
import { namespaceMetricsText } from "./prometheus";
import type { NamespaceRow } from "./aggregate";
import { aggregateWindow } from "./aggregate";
import { zeroCounts } from "./parse";
import { zeroTiming } from "./timing";

function row(name: string, hits: number, misses = 0): NamespaceRow {
  return {
    name,
    kind: "key",
    ...zeroCounts(),
    hits,
    misses,
    hitRatio: null,
    requestsPerSec: 0,
    missesPerSec: 0,
    setsPerSec: 0,
    deletesPerSec: 0,
    flags: [],
    spark: [],
    latency: null,
    saved: { costPerMissMs: null, hitsPerSecond: 0, savedSecondsPerSecond: null },
  };
}

describe("namespaceMetricsText", () => {
  const total = {
    ...zeroCounts(),
    hits: 3,
    misses: 1,
    hitRatio: 0.75,
    requestsPerSec: 0,
    missesPerSec: 0,
    setsPerSec: 0,
    deletesPerSec: 0,
  };
  it("escapes names in labels and keeps only the busiest namespaces of each alias", () => {
    const text = namespaceMetricsText(
      [
        {
          alias: "default",
          source: "django",
          windowSeconds: 60,
          total,
          namespaces: [row('a"b\\c\nd', 1), row("busy", 50, 5), row("idle", 0)],
        },
        { alias: "off", source: null, windowSeconds: 60, total, namespaces: [row("x", 1)] },
      ],
      2,
    );
    expect(text).toContain('cachescope_django_hit_ratio{alias="default"} 0.75');
    expect(text).toContain('cachescope_namespace_hits{alias="default",namespace="busy",kind="key"} 50');
    expect(text).toContain('cachescope_namespace_misses{alias="default",namespace="a\\"b\\\\c\\nd",kind="key"} 0');
    expect(text).not.toContain('namespace="idle"');
    expect(text).not.toContain("latency_seconds_bucket"); // no timing data: no histogram
    expect(text).not.toContain('alias="off"');
    for (const line of text.trimEnd().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) \S+ .+|\w+\{[^\n]*\} \S+)$/);
  });

  it("exposes latency as cumulative histograms per alias and busiest namespace, and time saved only where known", () => {
    const get = [0, 0, 0, 2, 3, ...new Array<number>(16).fill(0)];
    const timing = { ...zeroTiming(), get, costSumUs: 80_000, costCount: 2, savingHits: 6 };
    const agg = aggregateWindow(
      [
        {
          bucket: 1_764_624_000,
          records: 1,
          lastFlushAt: null,
          skipped: {},
          namespaces: new Map([
            ["api:list", { kind: "view" as const, ...zeroCounts(), hits: 6, misses: 2, timing }],
            ["plain", { kind: "key" as const, ...zeroCounts(), hits: 1, timing: zeroTiming() }],
          ]),
        },
      ],
      1_764_624_005,
      10,
    );
    const text = namespaceMetricsText([{ alias: "default", source: "django", ...agg }]);
    expect(text).toContain("# TYPE cachescope_namespace_latency_seconds histogram");
    const labels = 'alias="default",namespace="api:list",kind="view",op="get"';
    expect(text).toContain(`cachescope_namespace_latency_seconds_bucket{${labels},le="0.00005"} 2`);
    expect(text).toContain(`cachescope_namespace_latency_seconds_bucket{${labels},le="0.0001"} 5`);
    expect(text).toContain(`cachescope_namespace_latency_seconds_bucket{${labels},le="+Inf"} 5`);
    expect(text).toContain(`cachescope_namespace_latency_seconds_count{${labels}} 5`);
    expect(text).toContain('cachescope_django_latency_seconds_count{alias="default",op="get"} 5');
    expect(text).toContain('cachescope_namespace_cost_per_miss_seconds{alias="default",namespace="api:list",kind="view"} 0.04');
    expect(text).toContain('cachescope_django_saved_seconds_per_second{alias="default"} 0.024');
    expect(text).not.toContain('cost_per_miss_seconds{alias="default",namespace="plain"');
    for (const line of text.trimEnd().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) \S+ .+|\w+\{[^\n]*\} \S+)$/);
  });
});
