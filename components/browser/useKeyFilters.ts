"use client";

import type { KeyFilters } from "../query-keys";
import { useUrlState } from "../ui/url-state";

/** The browser's filters as the query string holds them (prefix, allVersions=1, raw=1, cursor, sort, noExpiry=1), and their setter. */
export function useKeyFilters() {
  const { params, set } = useUrlState();
  const filters: KeyFilters = {
    prefix: params.get("prefix") ?? "",
    allVersions: params.get("allVersions") === "1",
    raw: params.get("raw") === "1",
    cursor: params.get("cursor"),
    sort: params.get("sort"),
    noExpiry: params.get("noExpiry") === "1",
  };
  return { filters, params, set };
}
