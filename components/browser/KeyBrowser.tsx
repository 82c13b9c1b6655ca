"use client";

import { useCache } from "../caches/useCache";
import { Notice, Spinner } from "../ui";
import { FileFilterBar, PrefixFilterBar } from "./FilterBar";
import { HealthPanel } from "./HealthPanel";
import { KeyTable } from "./KeyTable";
import { ListingNotices, NoKeysNotice } from "./ListingNotices";
import { LoadMore } from "./LoadMore";
import { LookupForm } from "./LookupForm";
import { NamespacePanel } from "./NamespacePanel";
import { useKeyboardNav } from "./useKeyboardNav";
import { useKeyFilters } from "./useKeyFilters";
import { useKeys } from "./useKeys";

function withCursor(params: URLSearchParams, cursor: string | null): string {
  const next = new URLSearchParams(params.toString());
  if (cursor) next.set("cursor", cursor);
  return next.toString();
}

/** The Keys tab: filters in the query string, the listing page after page, namespaces and health beside it. */
export function KeyBrowser({ alias }: { alias: string }) {
  const { filters, params, set } = useKeyFilters();
  const info = useCache(alias);
  const listable = info.data?.capabilities.listKeys ?? false;
  const named = info.data?.capabilities.keyNames !== false;
  const { keys, rows, serverErrors, scanned, nextCursor } = useKeys(alias, filters, { enabled: listable });
  const { selected, setSelected, filterRef } = useKeyboardNav(alias, rows);

  if (info.isPending) return <Spinner label="Loading cache…" />;
  if (info.isError)
    return (
      <Notice tone="error" title={`Cannot open cache “${alias}”`}>
        {info.error.message}
      </Notice>
    );
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
  const refetch = () => void keys.refetch();

  return (
    <div className="space-y-3">
      {named ? (
        <PrefixFilterBar cache={cache} filters={filters} set={set} inputRef={filterRef} />
      ) : (
        <FileFilterBar cache={cache} filters={filters} set={set} />
      )}

      <div className="grid grid-cols-[18rem_1fr] gap-3">
        <div className="space-y-3">
          {named ? <NamespacePanel keys={rows} prefix={filters.prefix} onPick={(p) => set({ prefix: p, cursor: null })} /> : null}
          <HealthPanel alias={alias} />
        </div>
        <div className="min-w-0">
          <ListingNotices cache={cache} error={keys.error} failure={keys.failureReason} onRetry={refetch} serverErrors={serverErrors} />
          <KeyTable
            alias={alias}
            rows={rows}
            named={named}
            raw={filters.raw}
            canDelete={!cache.readOnly}
            selected={selected}
            onSelect={setSelected}
            onDeleted={refetch}
          />
          <LoadMore
            shown={rows.length}
            scanned={scanned}
            fetching={keys.isFetching}
            hasNextPage={keys.hasNextPage}
            isFetchingNextPage={keys.isFetchingNextPage}
            fetchNextPage={keys.fetchNextPage}
            done={keys.isSuccess}
            fromHereHref={`?${withCursor(params, nextCursor)}`}
          />
          {keys.isSuccess && rows.length === 0 && !keys.hasNextPage ? (
            <NoKeysNotice prefix={filters.prefix} hintVersions={!filters.allVersions && !filters.raw} />
          ) : null}
        </div>
      </div>
    </div>
  );
}
