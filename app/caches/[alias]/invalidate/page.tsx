import { Suspense } from "react";
import { InvalidatePanel } from "@/components/invalidate/InvalidatePanel";

export default async function InvalidatePage({ params }: { params: Promise<{ alias: string }> }) {
  return (
    <Suspense>
      <InvalidatePanel alias={decodeURIComponent((await params).alias)} />
    </Suspense>
  );
}
