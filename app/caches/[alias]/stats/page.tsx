import Link from "next/link";
import { Suspense } from "react";
import { StatsView } from "@/components/stats/StatsView";

export default async function CacheStatsPage({ params }: { params: Promise<{ alias: string }> }) {
  const { alias } = await params;
  const name = decodeURIComponent(alias);
  return (
    <div className="space-y-3">
      <div className="flex items-baseline gap-2">
        <Link href="/" className="text-slate-500 hover:underline">
          Caches
        </Link>
        <span className="text-slate-400">/</span>
        <Link href={`/caches/${encodeURIComponent(name)}`} className="text-slate-500 hover:underline">
          {name}
        </Link>
        <span className="text-slate-400">/</span>
        <h1 className="text-lg font-semibold">Live stats</h1>
      </div>
      <Suspense>
        <StatsView alias={name} />
      </Suspense>
    </div>
  );
}
