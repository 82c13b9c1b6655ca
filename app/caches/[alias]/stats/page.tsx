import { Suspense } from "react";
import { StatsView } from "@/components/stats/StatsView";

export default async function CacheStatsPage({ params }: { params: Promise<{ alias: string }> }) {
  return (
    <Suspense>
      <StatsView alias={decodeURIComponent((await params).alias)} />
    </Suspense>
  );
}
