import { describe, expect, it } from "vitest";
import { namespaceMetricsText } from "./prometheus";
import type { NamespaceRow } from "./aggregate";
import { zeroCounts } from "./parse";

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
    expect(text).not.toContain('alias="off"');
    for (const line of text.trimEnd().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) \S+ .+|\w+\{[^\n]*\} \S+)$/);
  });
});
