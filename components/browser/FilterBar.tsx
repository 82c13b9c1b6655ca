"use client";

import { useState, type RefObject } from "react";
import type { KeyFilters } from "../query-keys";
import type { CacheAnswer } from "../types";
import { Notice } from "../ui";
import { LookupForm } from "./LookupForm";

type Set = (changes: Record<string, string | null>) => void;

/** Named keys: the prefix filter, version and raw toggles, and the exact-key lookup folded away. */
export function PrefixFilterBar({
  cache,
  filters,
  set,
  inputRef,
}: {
  cache: CacheAnswer;
  filters: KeyFilters;
  set: Set;
  inputRef: RefObject<HTMLInputElement | null>;
}) {
  const { prefix, allVersions, raw, noExpiry } = filters;
  const [draft, setDraft] = useState(prefix);
  // The filter box follows the URL (back/forward, namespace clicks): adjust during render, React's pattern for derived state.
  const [draftFor, setDraftFor] = useState(prefix);
  if (draftFor !== prefix) {
    setDraftFor(prefix);
    setDraft(prefix);
  }
  return (
    <>
      <form
        className="flex flex-wrap items-center gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          set({ prefix: draft, cursor: null });
        }}
      >
        <label className="flex items-center gap-2">
          <span className="text-xs text-slate-600">{raw ? "Raw key prefix" : "Key prefix"}</span>
          <input
            ref={inputRef}
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
          <input
            type="checkbox"
            checked={allVersions}
            onChange={(e) => set({ allVersions: e.target.checked ? "1" : null, cursor: null })}
          />
          all versions
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={raw} onChange={(e) => set({ raw: e.target.checked ? "1" : null, cursor: null })} />
          raw keys
        </label>
        <label className="flex items-center gap-1" title="Only entries stored with timeout=None: they stay until deleted or evicted">
          <input
            type="checkbox"
            checked={noExpiry}
            onChange={(e) => set({ noExpiry: e.target.checked ? "1" : null, cursor: null })}
            data-testid="no-expiry-filter"
          />
          no expiry
        </label>
        <span className="text-xs text-slate-500">
          {raw
            ? "Matching stored keys literally."
            : `Django keys under KEY_PREFIX “${cache.keyPrefix}” at ${allVersions ? "every version" : `version ${cache.version}`}; the prefix is matched literally (no wildcards).`}
        </span>
      </form>
      <details className="text-xs">
        <summary className="cursor-pointer text-slate-600">Open an exact key or template fragment…</summary>
        <div className="mt-2">
          <LookupForm alias={cache.alias} version={cache.version} />
        </div>
      </details>
    </>
  );
}

const SORT_LABELS = { name: "file name", size: "size (largest first)", expiry: "expiry (soonest first)" };

/** Files named by a hash (FileBasedCache): why there is no prefix filter, the exact-key lookup, and the file order. */
export function FileFilterBar({ cache, filters, set }: { cache: CacheAnswer; filters: KeyFilters; set: Set }) {
  const sorts = cache.capabilities.sorts ?? [];
  return (
    <div className="space-y-2">
      <Notice tone="info" title="Entries are listed by file">
        {cache.backend.split(".").pop()} names each file by the md5 of its full key and does not store the key, so keys cannot be listed or
        filtered by prefix. Open an exact Django key below (its file is computed), or browse the files.
      </Notice>
      <div className="flex flex-wrap items-center gap-4">
        <LookupForm alias={cache.alias} version={cache.version} />
        {sorts.length ? (
          <label className="flex items-center gap-2">
            <span className="text-xs text-slate-600">Sort files by</span>
            <select
              value={filters.sort ?? "name"}
              onChange={(e) => set({ sort: e.target.value === "name" ? null : e.target.value, cursor: null })}
              className="rounded border border-slate-300 px-2 py-1"
              aria-label="Sort files by"
            >
              {sorts.map((s) => (
                <option key={s} value={s}>
                  {SORT_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label className="flex items-center gap-1 text-xs" title="Only entries stored with timeout=None: they stay until deleted or culled">
          <input
            type="checkbox"
            checked={filters.noExpiry}
            onChange={(e) => set({ noExpiry: e.target.checked ? "1" : null, cursor: null })}
            data-testid="no-expiry-filter"
          />
          no expiry
        </label>
      </div>
    </div>
  );
}
