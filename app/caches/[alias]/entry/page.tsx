import Link from "next/link";
import { Suspense } from "react";
import { EntryView } from "@/components/entry/EntryView";

export default async function EntryPage({ params }: { params: Promise<{ alias: string }> }) {
  const { alias } = await params;
  const name = decodeURIComponent(alias);
  return (
    <div className="space-y-3">
      <div className="flex items-baseline gap-2 text-slate-500">
        <Link href="/" className="hover:underline">
          Caches
        </Link>
        <span>/</span>
        <Link href={`/caches/${encodeURIComponent(name)}`} className="hover:underline">
          {name}
        </Link>
        <span>/ entry</span>
      </div>
      <Suspense>
        <EntryView alias={name} />
      </Suspense>
    </div>
  );
}
