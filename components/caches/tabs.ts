import type { CacheView } from "../types";

export interface Tab {
  path: string;
  label: string;
  /** Why this backend cannot do what the tab does; absent when it can (or while the cache is loading). */
  unavailable?: string;
}

const TABS = [
  { path: "", label: "Keys" },
  { path: "/invalidate", label: "Invalidate" },
  { path: "/stats", label: "Stats" },
  { path: "/namespaces", label: "Namespaces" },
  { path: "/sizes", label: "Sizes" },
] as const;

type TabPath = (typeof TABS)[number]["path"];

/** What each tab needs of a backend. Stats and Namespaces always have something: the companion's counters at least. */
function why(path: TabPath, cache: CacheView): string | undefined {
  const name = cache.backend.split(".").pop() ?? cache.backend;
  const { capabilities: caps } = cache;
  switch (path) {
    case "":
      return caps.listKeys || caps.unlistedReason ? undefined : `${name} has no keys to list.`;
    case "/invalidate":
      return cache.kind === "unsupported"
        ? `${name} cannot be inspected from outside Django, so nothing can be deleted from here.`
        : undefined;
    case "/sizes":
      return caps.listKeys ? undefined : `${name} cannot list its entries, so there is nothing to analyse.`;
    default:
      return undefined;
  }
}

/** The views of one cache, each saying whether this backend can do it (every one can while the cache is not known yet). */
export function cacheTabs(cache: CacheView | undefined): Tab[] {
  return TABS.map((t) => {
    const unavailable = cache ? why(t.path, cache) : undefined;
    return unavailable ? { ...t, unavailable } : { ...t };
  });
}

/** The tab a path inside the cache belongs to; the entry page belongs to "Keys". */
export function activeTab(rest: string): string {
  return TABS.find((t) => t.path !== "" && rest.startsWith(t.path))?.path ?? "";
}
