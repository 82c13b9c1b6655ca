/** Links from the Sizes page into the rest of the console. */

/** The key browser filtered to a Django key prefix ("" = unfiltered). */
export function browseHref(alias: string, prefix: string): string {
  const base = `/caches/${encodeURIComponent(alias)}`;
  return prefix ? `${base}?prefix=${encodeURIComponent(prefix)}` : base;
}
