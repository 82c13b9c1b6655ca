import Link from "next/link";
import type { ReactNode } from "react";
import { CacheTabs } from "@/components/caches/CacheTabs";

export default async function CacheLayout({ children, params }: { children: ReactNode; params: Promise<{ alias: string }> }) {
  const name = decodeURIComponent((await params).alias);
  return (
    <div className="space-y-3">
      <div className="flex items-baseline gap-2">
        <Link href="/" className="text-slate-500 hover:underline">
          Caches
        </Link>
        <span className="text-slate-400">/</span>
        <h1 className="text-lg font-semibold">{name}</h1>
      </div>
      <CacheTabs alias={name} />
      {children}
    </div>
  );
}
