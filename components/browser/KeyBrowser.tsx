"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { formatBytes, formatCount, formatTtl } from "@/lib/format";
import { api } from "../api-client";
import type { CacheItem, KeysAnswer } from "../types";
import { RowDelete } from "../invalidate/RowDelete";
import { KindBadge, Notice, Spinner } from "../ui";
import { entryHref } from "./entry-href";
import { HealthPanel } from "./HealthPanel";
import { LookupForm } from "./LookupForm";
import { NamespacePanel } from "./NamespacePanel";
import { useUrlState } from "./url-state";

const PAGE = 100;

function withCursor(params: URLSearchParams, cursor: string | null): string {
  const next = new URLSearchParams(params.toString());
  if (cursor) next.set("cursor", cursor);
  return next.toString();
}

export function KeyBrowser({ alias }: { alias: string }) {
  const { params, set } = useUrlState();
  const router = useRouter();
  const prefix = params.get("prefix") ?? "";
  const allVersions = params.get("allVersions") === "1";
  const rawMode = params.get("raw") === "1";
  const startCursor = params.get("cursor");
  const sort = params.get("sort");
  const [draft, setDraft] = useState(prefix);
  const [selected, setSelected] = useState(0);
  const filterRef = useRef<HTMLInputElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);

  // The filter box follows the URL (back/forward, namespace clicks): adjust during render, React's pattern for derived state.
  const [draftFor, setDraftFor] = useState(prefix);
  if (draftFor !== prefix) {
    setDraftFor(prefix);
    setDraft(prefix);
  }

  const info = useQuery({ queryKey: ["cache", alias], queryFn: () => api<CacheItem & { readOnly: boolean }>(`/api/caches/${encodeURIComponent(alias)}`) });
  const listable = info.data?.capabilities.listKeys ?? false;
  const named = info.data?.capabilities.keyNames !== false;
  const sorts = info.data?.capabilities.sorts ?? [];

  const keys = useInfiniteQuery({
    queryKey: ["keys", alias, prefix, allVersions, rawMode, startCursor, sort],
    enabled: listable,
    initialPageParam: startCursor,
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams({ count: String(PAGE) });
      if (prefix) q.set("prefix", prefix);
      if (allVersions) q.set("allVersions", "1");
      if (rawMode) q.set("raw", "1");
      if (pageParam) q.set("cursor", pageParam);
      if (sort) q.set("sort", sort);
      return api<KeysAnswer>(`/api/caches/${encodeURIComponent(alias)}/keys?${q}`);
    },
    getNextPageParam: (last) => last.cursor,
  });

  const rows = useMemo(() => keys.data?.pages.flatMap((p) => p.keys) ?? [], [keys.data]);
  const serverErrors = useMemo(() => {
    const m = new Map<string, string>();
    for (const p of keys.data?.pages ?? []) for (const e of p.errors ?? []) m.set(e.server, e.error);
    return [...m];
  }, [keys.data]);
  const scanned = useMemo(() => keys.data?.pages.reduce((n, p) => n + p.scanned, 0) ?? 0, [keys.data]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = keys;
  const nextCursor = keys.data?.pages.at(-1)?.cursor ?? null;

  // Infinite scroll: load the next page when the end of the table comes into view.
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && hasNextPage && !isFetchingNextPage) void fetchNextPage();
    });
    io.observe(el);
    return () => io.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  // Keyboard: "/" focuses the filter, j/k move, Enter opens.
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
      if (e.key === "/" && !typing) {
        e.preventDefault();
        filterRef.current?.focus();
      } else if (!typing && (e.key === "j" || e.key === "ArrowDown")) {
        setSelected((s) => Math.min(s + 1, rows.length - 1));
      } else if (!typing && (e.key === "k" || e.key === "ArrowUp")) {
        setSelected((s) => Math.max(s - 1, 0));
      } else if (!typing && e.key === "Enter" && rows[selected]) {
        router.push(entryHref(alias, rows[selected]));
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [rows, selected, alias, router]);

  if (info.isPending) return <Spinner label="Loading cache…" />;
  if (info.isError) return <Notice tone="error" title={`Cannot open cache “${alias}”`}>{info.error.message}</Notice>;
  const cache = info.data;
  const { unlistedReason } = cache.capabilities;
  if (!listable && unlistedReason) {
    // It holds keys it cannot list (SASL memcached): exact keys can still be opened.
    return (
      <div className="space-y-3">
        <Notice tone="info" title={`${alias} cannot list its keys`}>
          {unlistedReason}
        </Notice>
        <LookupForm alias={alias} version={cache.version} />
      </div>
    );
  }
  if (!listable) {
    return (
      <Notice tone="info" title={`${alias} has no keys to list`}>
        {cache.note ?? cache.status.error ?? "This backend cannot list its keys."}
      </Notice>
    );
  }

  return (
    <div className="space-y-3">
      {named ? (
        <form
          className="flex flex-wrap items-center gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            set({ prefix: draft, cursor: null });
          }}
        >
          <label className="flex items-center gap-2">
            <span className="text-xs text-slate-600">{rawMode ? "Raw key prefix" : "Key prefix"}</span>
            <input
              ref={filterRef}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="e.g. views.decorators.cache.cache_page.  (press / )"
              className="mono w-96 rounded border border-slate-300 px-2 py-1"
              aria-label="Key prefix"
            />
          </label>
          <button className="rounded bg-slate-900 px-3 py-1 text-white" type="submit">
            Filter
          </button>
          <label className="flex items-center gap-1">
                <input type="checkbox" checked={allVersions} onChange={(e) => set({ allVersions: e.target.checked ? "1" : null, cursor: null })} />
                all versions
              </label>
              <label className="flex items-center gap-1">
                <input type="checkbox" checked={rawMode} onChange={(e) => set({ raw: e.target.checked ? "1" : null, cursor: null })} />
                raw keys
              </label>
          <span className="text-xs text-slate-500">
            {rawMode
              ? "Matching stored keys literally."
              : `Django keys under KEY_PREFIX “${cache.keyPrefix}” at ${allVersions ? "every version" : `version ${cache.version}`}; the prefix is matched literally (no wildcards).`}
          </span>
        </form>
      ) : null}
      {named ? (
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-600">Open an exact key or template fragment…</summary>
          <div className="mt-2">
            <LookupForm alias={alias} version={cache.version} />
          </div>
        </details>
      ) : (
        <div className="space-y-2">
          <Notice tone="info" title="Entries are listed by file">
            {cache.backend.split(".").pop()} names each file by the md5 of its full key and does not store the key, so keys cannot be listed or
            filtered by prefix. Open an exact Django key below (its file is computed), or browse the files.
          </Notice>
          <div className="flex flex-wrap items-center gap-4">
            <LookupForm alias={alias} version={cache.version} />
            {sorts.length ? (
              <label className="flex items-center gap-2">
                <span className="text-xs text-slate-600">Sort files by</span>
                <select
                  value={sort ?? "name"}
                  onChange={(e) => set({ sort: e.target.value === "name" ? null : e.target.value, cursor: null })}
                  className="rounded border border-slate-300 px-2 py-1"
                  aria-label="Sort files by"
                >
                  {sorts.map((s) => (
                    <option key={s} value={s}>
                      {s === "size" ? "size (largest first)" : s === "expiry" ? "expiry (soonest first)" : "file name"}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
          </div>
        </div>
      )}

      <div className="grid grid-cols-[18rem_1fr] gap-3">
        <div className="space-y-3">
          {named ? <NamespacePanel keys={rows} prefix={prefix} onPick={(p) => set({ prefix: p, cursor: null })} /> : null}
          <HealthPanel alias={alias} />
        </div>
        <div className="min-w-0">
          {!cache.status.ok && !keys.isError ? (
            <Notice tone="error" title={`${alias} is down`}>{cache.status.error ?? "its server does not answer"}</Notice>
          ) : null}
          {keys.isError ? (
            <Notice tone="error" title="Listing failed">
              {keys.error.message}{" "}
              <button className="ml-2 rounded border border-red-300 px-2 py-0.5 text-xs" onClick={() => void keys.refetch()}>
                Try again
              </button>
            </Notice>
          ) : null}
          {serverErrors.length ? (
            <Notice tone="warn" title="Some servers could not be listed: their keys are missing below">
              <ul className="mono text-xs">
                {serverErrors.map(([server, error]) => (
                  <li key={server}>
                    {server}: {error}
                  </li>
                ))}
              </ul>
            </Notice>
          ) : null}
          <table className="w-full table-fixed border-collapse rounded border border-slate-200 bg-white" data-testid="key-table">
            <thead className="bg-slate-100 text-left text-xs uppercase tracking-wide text-slate-600">
              <tr>
                <th className="px-2 py-1.5">{named ? "Key" : "File · preview"}</th>
                <th className="w-28 px-2 py-1.5">Kind</th>
                {named ? <th className="w-14 px-2 py-1.5">Ver.</th> : null}
                <th className="w-24 px-2 py-1.5">TTL</th>
                <th className="w-24 px-2 py-1.5 text-right">Size</th>
                <th className="w-16 px-2 py-1.5">Type</th>
                {cache.readOnly ? null : <th className="w-16 px-2 py-1.5" aria-label="Actions" />}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr
                  key={`${r.server ?? ""}|${r.file ?? r.raw}`}
                  className={`border-t border-slate-100 ${i === selected ? "bg-sky-50" : "hover:bg-slate-50"}`}
                  onMouseEnter={() => setSelected(i)}
                >
                  <td className="mono truncate px-2 py-1">
                    <Link className="text-sky-800 hover:underline" href={entryHref(alias, r)} title={r.raw ?? r.file}>
                      {r.file ? r.file : (r.key ?? r.raw)}
                    </Link>
                    {r.preview ? <div className="truncate text-xs text-slate-500">{r.preview}</div> : null}
                    {r.key === null && r.raw !== null && !rawMode ? <span className="ml-2 text-xs text-slate-400">(not a Django key)</span> : null}
                  </td>
                  <td className="px-2 py-1">
                    <KindBadge kind={r.kind} />
                  </td>
                  {named ? <td className="px-2 py-1 text-slate-600">{r.version ?? "—"}</td> : null}
                  <td className={`px-2 py-1 ${r.expired ? "text-red-700" : ""}`}>{r.expired ? "expired" : formatTtl(r.ttl)}</td>
                  <td className="px-2 py-1 text-right tabular-nums">{formatBytes(r.size)}</td>
                  <td className="px-2 py-1 text-slate-600">{r.type ?? "—"}</td>
                  {cache.readOnly ? null : (
                    <td className="px-2 py-1">
                      <RowDelete alias={alias} row={r} onDeleted={() => void keys.refetch()} />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          <div ref={sentinel} className="flex items-center gap-3 py-2 text-xs text-slate-600">
            <span data-testid="key-count">
              {formatCount(rows.length)} keys shown · about {formatCount(scanned)} walked by the server
            </span>
            {keys.isFetching ? <Spinner label="Loading…" /> : null}
            {hasNextPage ? (
              <>
                <button className="rounded border border-slate-300 px-2 py-0.5" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage}>
                  Load more
                </button>
                <Link className="text-sky-700 hover:underline" href={`?${withCursor(params, nextCursor)}`} title="A shareable link that starts listing where this one stops">
                  link from here on
                </Link>
              </>
            ) : keys.isSuccess ? (
              <span>End of the keyspace.</span>
            ) : null}
          </div>
          {keys.isSuccess && rows.length === 0 && !hasNextPage ? (
            <Notice tone="info" title="No keys match">
              {prefix ? `Nothing is stored under “${prefix}”.` : "This cache is empty."}{" "}
              {!allVersions && !rawMode ? "Keys written at other VERSIONs are hidden: tick “all versions” to see them." : null}
            </Notice>
          ) : null}
        </div>
      </div>
    </div>
  );
}
