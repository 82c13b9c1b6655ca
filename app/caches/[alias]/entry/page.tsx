import { Suspense } from "react";
import { EntryView } from "@/components/entry/EntryView";

export default async function EntryPage({ params }: { params: Promise<{ alias: string }> }) {
  return (
    <Suspense>
      <EntryView alias={decodeURIComponent((await params).alias)} />
    </Suspense>
  );
}
