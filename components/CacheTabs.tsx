"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const TABS = [
  { path: "", label: "Keys" },
  { path: "/invalidate", label: "Invalidate" },
  { path: "/stats", label: "Stats" },
  { path: "/namespaces", label: "Namespaces" },
  { path: "/sizes", label: "Sizes" },
];

/** The views of one cache; the entry page belongs to "Keys". */
export function CacheTabs({ alias }: { alias: string }) {
  const pathname = usePathname();
  const base = `/caches/${encodeURIComponent(alias)}`;
  const rest = pathname.startsWith(base) ? pathname.slice(base.length) : "";
  const active = TABS.find((t) => t.path !== "" && rest.startsWith(t.path))?.path ?? "";
  return (
    <nav className="flex gap-1 border-b border-slate-200" aria-label={`${alias} views`}>
      {TABS.map((t) => (
        <Link
          key={t.label}
          href={base + t.path}
          aria-current={active === t.path ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-1.5 ${active === t.path ? "border-slate-900 font-medium text-slate-900" : "border-transparent text-slate-500 hover:text-slate-900"}`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
