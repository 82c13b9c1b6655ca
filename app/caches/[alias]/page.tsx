import { Suspense } from "react";
import { KeyBrowser } from "@/components/browser/KeyBrowser";

export default async function CachePage({ params }: { params: Promise<{ alias: string }> }) {
  return (
    <Suspense>
      <KeyBrowser alias={decodeURIComponent((await params).alias)} />
    </Suspense>
  );
}
