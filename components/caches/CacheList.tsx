"use client";

import Link from "next/link";
import type { CacheView } from "../types";
import { CacheStatsCell } from "../stats/CacheStatsCell";
import { Notice, Spinner, StatusDot } from "../ui";
import { useCaches } from "./useCache";

function shortBackend(path: string): string {
  return path.replace(/^django\.core\.cache\.backends\./, "django ").replace(/^django_redis\.cache\./, "django-redis ");
}

function StatusCell({ cache }: { cache: CacheView }) {
  if (cache.kind === "unsupported") return <span className="text-slate-500">not inspectable</span>;
  const s = cache.status;
  return (
    <div className="space-y-0.5">
      <div className="flex items-center gap-2">
        <StatusDot ok={s.ok} />
        {s.ok ? (
          <span>up{s.latencyMs !== undefined ? ` · ${s.latencyMs.toFixed(1)} ms` : ""}</span>
        ) : (
          <span className="text-red-700">{s.error ?? "down"}</span>
        )}
      </div>
      {s.servers && s.servers.length > 1
        ? s.servers.map((srv) => (
            <div key={srv.server} className="flex items-center gap-2 pl-4 text-xs text-slate-600">
              <StatusDot ok={srv.ok} />
              <span className="mono">{srv.server}</span>
              <span className={srv.ok ? "" : "text-red-700"}>{srv.ok ? `${srv.latencyMs?.toFixed(1) ?? "?"} ms` : srv.error}</span>
            </div>
          ))
        : null}
    </div>
  );
}

export function CacheList() {
  const q = useCaches({ refetchInterval: 10_000 });
  if (q.isPending) return <Spinner label="Checking caches…" />;
  if (q.isError)
    return (
      <Notice tone="error" title="Could not load the caches">
        {q.error.message}
      </Notice>
    );
  const { caches, configErrors, demo, readOnly, source, audit } = q.data;
  return (
    <div className="space-y-4">
      {demo ? (
        <Notice tone="info" title="This is the built-in demo">
          It shows a FileBasedCache filled with realistic Django entries and a DummyCache. Point Cachescope at your own caches by starting
          it with your Django <code>CACHES</code> as JSON, for example{" "}
          <code className="rounded bg-white px-1">
            CACHESCOPE_CACHES=&apos;{"{"}&quot;default&quot;: {"{"}&quot;BACKEND&quot;: &quot;django_redis.cache.RedisCache&quot;,
            &quot;LOCATION&quot;: &quot;redis://127.0.0.1:6379/1&quot;{"}"}
            {"}"}&apos; npm start
          </code>
          , or <code>CACHESCOPE_CONFIG=/path/to/caches.json</code>.
        </Notice>
      ) : null}
      {audit && !audit.writable ? (
        <Notice tone="error" title="The audit log is not writable: deletes, purges and cancels are refused">
          Every destructive action is recorded before it happens, so none can happen while the log cannot be written (
          {audit.error ?? "unknown reason"}). Fix the file or directory named by <code>CACHESCOPE_AUDIT_LOG</code>; this notice goes away by
          itself once it is writable again.
        </Notice>
      ) : null}
      {readOnly ? (
        <Notice tone="warn" title="Read-only mode">
          CACHESCOPE_READ_ONLY=1: nothing can be deleted from here.
        </Notice>
      ) : null}
      {configErrors.length ? (
        <Notice tone="error" title={`The configuration from ${source} has ${configErrors.length} problem(s)`}>
          <ul className="list-disc pl-5">
            {configErrors.map((e) => (
              <li key={e.text} className="mono">
                {e.text}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <table className="w-full border-collapse overflow-hidden rounded border border-slate-200 bg-white">
        <thead className="bg-slate-100 text-left text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th className="px-3 py-2">Alias</th>
            <th className="px-3 py-2">Backend</th>
            <th className="px-3 py-2">Location</th>
            <th className="px-3 py-2">Prefix · version</th>
            <th className="px-3 py-2">Status</th>
            <th className="px-3 py-2">Hit ratio (60 s) · last 15 min</th>
          </tr>
        </thead>
        <tbody>
          {caches.map((c) => (
            <tr key={c.alias} className="border-t border-slate-100 align-top" data-testid={`cache-row-${c.alias}`}>
              <td className="px-3 py-2 font-medium">
                {c.kind === "unsupported" ? (
                  c.alias
                ) : (
                  <Link className="text-sky-700 hover:underline" href={`/caches/${encodeURIComponent(c.alias)}`}>
                    {c.alias}
                  </Link>
                )}
              </td>
              <td className="px-3 py-2">
                <div>{shortBackend(c.backend)}</div>
                {c.note ? <div className="max-w-md text-xs text-slate-500">{c.note}</div> : null}
              </td>
              <td className="mono px-3 py-2 text-xs">{c.locations.join(", ") || "—"}</td>
              <td className="mono px-3 py-2 text-xs">
                {c.keyPrefix === "" ? <span className="text-slate-400">(none)</span> : c.keyPrefix} · v{c.version}
              </td>
              <td className="px-3 py-2">
                <StatusCell cache={c} />
              </td>
              <td className="px-3 py-2">
                <CacheStatsCell cache={c} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {caches.length === 0 && configErrors.length === 0 ? <Notice tone="warn" title="No caches configured" /> : null}
    </div>
  );
}
