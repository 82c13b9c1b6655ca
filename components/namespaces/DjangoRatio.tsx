"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { formatRate, formatRatio } from "../stats/format";
import { Sparkline } from "../stats/Sparkline";
import type { NamespacesAnswer } from "@/lib/namespaces/service";
import { formatSaved } from "./timing-format";
import { useDjangoHistory, useNamespaces } from "./useNamespaces";

const WINDOW_S = 60;
const SPARK_S = 900;

function nsHref(alias: string): string {
  return `/caches/${encodeURIComponent(alias)}/namespaces`;
}

/**
 * The home page's figure for a cache whose server keeps no counters (FileBasedCache, DummyCache): the alias's own hit
 * ratio as the Django companion counted it, with 15 minutes of sparkline; `fallback` when there is no companion.
 */
export function DjangoRatioCell({ alias, fallback }: { alias: string; fallback: ReactNode }) {
  const ns = useNamespaces(alias, WINDOW_S);
  const live = ns.data?.source === "django";
  const history = useDjangoHistory(alias, SPARK_S, { enabled: live });
  if (!live || !ns.data) return <>{fallback}</>;
  const a = ns.data;
  const end = ns.dataUpdatedAt;
  return (
    <Link href={nsHref(alias)} className="block space-y-0.5 hover:bg-slate-50" data-testid={`django-cell-${alias}`}>
      <div className="flex items-center gap-2">
        <span
          className="w-14 text-base font-semibold tabular-nums"
          title={`this alias's gets over the last ${WINDOW_S} s, counted by the Django companion`}
        >
          {formatRatio(a.total.hitRatio)}
        </span>
        <Sparkline
          label={`hit ratio from Django, last ${SPARK_S / 60} minutes`}
          points={(history.data?.points ?? []).flatMap((p) => (p.hitRatio === null ? [] : [{ t: p.t + 10_000, v: p.hitRatio }]))}
          from={end - SPARK_S * 1000}
          to={end}
        />
      </div>
      <div className="text-xs text-slate-600 tabular-nums">
        from Django{a.simulated ? " (simulated)" : ""} · {formatRate(a.total.requestsPerSec)} gets · {formatRate(a.total.missesPerSec)}{" "}
        misses
      </div>
      <SavedLine answer={a} />
    </Link>
  );
}

/** The alias's time saved (home page): what its hits spared the Django processes, or that the cost is unknown. */
function SavedLine({ answer }: { answer: NamespacesAnswer }) {
  if (answer.latency === null) return null;
  return (
    <div className="text-xs text-slate-600 tabular-nums" data-testid={`saved-${answer.alias}`}>
      {formatSaved(answer.saved)}
    </div>
  );
}

/** One line under a server-wide ratio: the alias's own, from Django, when the companion reports it. */
export function DjangoRatioLine({ alias }: { alias: string }) {
  const ns = useNamespaces(alias, WINDOW_S);
  if (ns.data?.source !== "django") return null;
  return (
    <div className="text-xs text-slate-600 tabular-nums" data-testid={`django-line-${alias}`}>
      this alias from Django{ns.data.simulated ? " (simulated)" : ""}:{" "}
      <span className="font-semibold">{formatRatio(ns.data.total.hitRatio)}</span>
      <SavedLine answer={ns.data} />
    </div>
  );
}

/** The Stats tab's figures from Django, beside the server's. */
export function DjangoFigures({ alias }: { alias: string }) {
  const ns = useNamespaces(alias, WINDOW_S);
  if (ns.data?.source !== "django") return null;
  const t = ns.data.total;
  return (
    <div
      className="flex flex-wrap items-end gap-6 rounded border border-emerald-200 bg-emerald-50/40 px-3 py-2"
      data-testid="django-figures"
    >
      <div>
        <div className="text-xs text-slate-500">Hit ratio of this alias, from Django, last {WINDOW_S} s</div>
        <div className="text-2xl font-semibold tabular-nums" data-testid="django-ratio">
          {formatRatio(t.hitRatio)}
        </div>
      </div>
      <div>
        <div className="text-xs text-slate-500">Gets / misses, from Django</div>
        <div className="text-2xl font-semibold tabular-nums">
          {t.hits + t.misses} / {t.misses}
        </div>
      </div>
      <p className="max-w-md text-xs text-slate-600">
        Counted inside the Django processes by the companion{ns.data.simulated ? " (here: the demo's simulated traffic)" : ""}: only this
        alias&apos;s calls, whatever else shares the server.{" "}
        <Link href={nsHref(alias)} className="text-sky-700 hover:underline">
          By namespace →
        </Link>
      </p>
    </div>
  );
}
