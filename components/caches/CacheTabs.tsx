"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { activeTab, cacheTabs } from "./tabs";
import { useCache } from "./useCache";

const TAB = "-mb-px border-b-2 px-3 py-1.5";

/**
 * The views of one cache. A view this backend cannot do is shown greyed with its reason, not as a link (the Keys page
 * stays reachable: it is the cache's own address and explains itself).
 */
export function CacheTabs({ alias }: { alias: string }) {
  const pathname = usePathname();
  const info = useCache(alias);
  const base = `/caches/${encodeURIComponent(alias)}`;
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : "";
  const active = activeTab(rest);
  return (
    <nav className="flex gap-1 border-b border-slate-200" aria-label={`${alias} views`}>
      {cacheTabs(info.data).map((t) =>
        t.unavailable && t.path !== "" && active !== t.path ? (
          <span
            key={t.label}
            aria-disabled="true"
            title={t.unavailable}
            className={`${TAB} cursor-not-allowed border-transparent text-slate-300`}
          >
            {t.label}
          </span>
        ) : (
          <Link
            key={t.label}
            href={base + t.path}
            title={t.unavailable}
            aria-current={active === t.path ? "page" : undefined}
            className={`${TAB} ${active === t.path ? "border-slate-900 font-medium text-slate-900" : "border-transparent text-slate-500 hover:text-slate-900"}`}
          >
            {t.label}
          </Link>
        ),
      )}
    </nav>
  );
}
