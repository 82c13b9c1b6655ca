import { Suspense } from "react";
import { NamespacesView } from "@/components/namespaces/NamespacesView";

/** The header and tabs come from the cache layout. */
export default async function NamespacesPage({ params }: { params: Promise<{ alias: string }> }) {
  return (
    <Suspense>
      <NamespacesView alias={decodeURIComponent((await params).alias)} />
    </Suspense>
  );
}
