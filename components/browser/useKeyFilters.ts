"use client";

import type { KeyFilters } from "../query-keys";
import { useUrlState } from "../ui/url-state";

/** The browser's filters as the query string holds them (prefix, allVersions=1, raw=1, cursor, sort), and their setter. */
export function useKeyFilters() {
  const { params, set } = useUrlState();
  const filters: KeyFilters = {
    prefix: params.get("prefix") ?? "",
    allVersions: params.get("allVersions") === "1",
    raw: params.get("raw") === "1",
    cursor: params.get("cursor"),
    sort: params.get("sort"),
  };
  return { filters, params, set };
}
