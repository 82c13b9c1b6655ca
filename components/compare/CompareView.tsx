"use client";

import { useCaches } from "../caches/useCache";
import { Notice, Spinner } from "../ui";
import { useUrlState } from "../ui/url-state";
import { Distribution } from "./Distribution";
import { formatSaved } from "../namespaces/timing-format";
import { LatencyChart, type LatencyRow } from "./LatencyChart";
import { ProbeCard } from "./ProbeCard";
import type { CompareCache, ProbeJob } from "./types";
import { useCompare } from "./useCompare";

const WINDOWS = [
  { seconds: 60, label: "last minute" },
  { seconds: 300, label: "last 5 minutes" },
  { seconds: 900, label: "last 15 minutes" },
  { seconds: 3600, label: "last hour" },
];

function shortBackend(path: string): string {
  return path.replace(/^django\.core\.cache\.backends\./, "").replace(/^django_redis\.cache\./, "django-redis ");
}

function realRows(caches: CompareCache[]): LatencyRow[] {
  return caches.flatMap((c) =>
    c.realTraffic.latency
      ? (["get", "set"] as const).map((op) => ({
          id: `${c.alias}-${op}`,
          label: c.alias,
          detail: op,
          p50: c.realTraffic.latency?.[op].p50Ms ?? null,
          p99: c.realTraffic.latency?.[op].p99Ms ?? null,
        }))
      : [],
  );
}

/** The latest finished probe of each cache, get and set at each client count, on one axis. */
function probeRows(caches: CompareCache[]): LatencyRow[] {
  return caches.flatMap((c) => {
    const latest = (c.runs as ProbeJob[]).find((r) => r.state === "done" && r.result);
    if (!latest?.result) return [];
    const median = latest.result.runs.filter((r) => r.size.label === "median");
    return median.flatMap((run) =>
      (["get", "set"] as const).map((op) => ({
        id: `${c.alias}-${op}-${run.clients}`,
        label: c.alias,
        detail: `${op} · ${run.clients} client${run.clients > 1 ? "s" : ""}`,
        p50: run[op].p50Ms,
        p99: run[op].p99Ms,
      })),
    );
  });
}

function RealTraffic({ caches, windowLabel }: { caches: CompareCache[]; windowLabel: string }) {
  const rows = realRows(caches);
  return (
    <section className="space-y-3 rounded border border-slate-200 bg-white p-3" data-testid="real-traffic">
      <h2 className="font-semibold">Real traffic ({windowLabel}, timed by the Django companion)</h2>
      {rows.length > 0 ? (
        <LatencyChart rows={rows} testId="real-chart" title="Real-traffic latency per cache, p50 and p99" />
      ) : (
        <Notice tone="info" title="No real-traffic timing yet">
          The Django companion times every cache call once it is installed (<code>pip install ./integrations/django</code>,
          &quot;cachescope_django&quot; in INSTALLED_APPS) and its app serves requests. Until then the probe below measures the caches
          directly.
        </Notice>
      )}
      <div className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">
        {caches.map((c) => (
          <div key={c.alias} className="space-y-1 rounded border border-slate-100 p-2" data-testid={`real-${c.alias}`}>
            <div className="flex items-baseline gap-2">
              <span className="font-medium">{c.alias}</span>
              <span className="mono text-xs text-slate-500">{shortBackend(c.backend)}</span>
            </div>
            {c.realTraffic.latency ? (
              <>
                <Distribution summary={c.realTraffic.latency.get} label="get" testId={`real-${c.alias}-get`} />
                <Distribution summary={c.realTraffic.latency.set} label="set" testId={`real-${c.alias}-set`} />
                {c.realTraffic.saved ? (
                  <p className="text-xs text-slate-600" data-testid={`saved-${c.alias}`}>
                    {formatSaved(c.realTraffic.saved)} · {c.realTraffic.saved.hitsPerSecond.toFixed(1)} hits/s
                  </p>
                ) : null}
              </>
            ) : (
              <p className="text-xs text-slate-500" data-testid={`real-${c.alias}-empty`}>
                {c.realTraffic.reason}
              </p>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}

/** Every configured cache side by side: real-traffic latency from the companion and on-demand probes. */
export function CompareView() {
  const { params, set } = useUrlState();
  const asked = Number(params.get("window"));
  const windowSeconds = WINDOWS.some((w) => w.seconds === asked) ? asked : 60;
  const q = useCompare(windowSeconds);
  const info = useCaches();
  if (q.isPending) return <Spinner label="Loading the caches…" />;
  if (q.isError)
    return (
      <Notice tone="error" title="Could not load the comparison">
        {q.error.message}
      </Notice>
    );
  const caches = q.data.caches;
  const canChange = info.data ? !info.data.readOnly && info.data.role === "admin" : false;
  const probeChart = probeRows(caches);
  const windowLabel = WINDOWS.find((w) => w.seconds === windowSeconds)?.label ?? `${windowSeconds} s`;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-1 text-sm">
          Real traffic over the
          <select
            className="rounded border border-slate-300 px-1 py-0.5"
            value={windowSeconds}
            onChange={(e) => set({ window: e.target.value === "60" ? null : e.target.value })}
            aria-label="Window"
          >
            {WINDOWS.map((w) => (
              <option key={w.seconds} value={w.seconds}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        {info.data && !canChange ? (
          <span className="text-xs text-slate-500">
            {info.data.readOnly ? "Read-only mode: probes cannot be run." : "A viewer's login: probes can be read, not run."}
          </span>
        ) : null}
      </div>
      {caches.length === 0 ? <Notice tone="info" title="No caches are configured" /> : null}
      <RealTraffic caches={caches} windowLabel={windowLabel} />
      <section className="space-y-3 rounded border border-slate-200 bg-white p-3" data-testid="probes">
        <h2 className="font-semibold">Probe: each cache measured with values of its own sizes</h2>
        {probeChart.length > 0 ? (
          <LatencyChart rows={probeChart} testId="probe-chart" title="Probe latency per cache (median size), p50 and p99" />
        ) : (
          <p className="text-slate-500">No probe has finished yet: run one on a cache below to draw it here.</p>
        )}
        <div className="grid gap-3 xl:grid-cols-2">
          {caches.map((c) => (
            <ProbeCard key={c.alias} cache={c} canChange={canChange} windowSeconds={windowSeconds} />
          ))}
        </div>
      </section>
    </div>
  );
}
