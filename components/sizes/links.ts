/** Links from the Sizes page into the rest of the console. */

/** The key browser filtered to a Django key prefix ("" = unfiltered). */
export function browseHref(alias: string, prefix: string): string {
  const base = `/caches/${encodeURIComponent(alias)}`;
  return prefix ? `${base}?prefix=${encodeURIComponent(prefix)}` : base;
}

/** The key browser filtered to entries that never expire under a Django key prefix (a top-level namespace's, say). */
export function noExpiryHref(alias: string, namespace: string): string {
  const q = new URLSearchParams({ noExpiry: "1" });
  if (namespace) q.set("prefix", namespace);
  return `/caches/${encodeURIComponent(alias)}?${q}`;
}
