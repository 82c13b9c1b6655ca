import Link from "next/link";
import { Suspense } from "react";
import { KeyBrowser } from "@/components/browser/KeyBrowser";

export default async function CachePage({ params }: { params: Promise<{ alias: string }> }) {
  const { alias } = await params;
  const name = decodeURIComponent(alias);
  return (
    <div className="space-y-3">
      <div className="flex items-baseline gap-2">
        <Link href="/" className="text-slate-500 hover:underline">
          Caches
        </Link>
        <span className="text-slate-400">/</span>
        <h1 className="text-lg font-semibold">{name}</h1>
        <Link href={`/caches/${encodeURIComponent(name)}/invalidate`} className="ml-auto text-sky-800 hover:underline">
          Invalidate
        </Link>
        <Link href={`/caches/${encodeURIComponent(name)}/stats`} className="text-sky-800 hover:underline">
          Stats
        </Link>
        <Link href={`/caches/${encodeURIComponent(name)}/sizes`} className="text-sky-800 hover:underline">
          Sizes
        </Link>
      </div>
      <Suspense>
        <KeyBrowser alias={name} />
      </Suspense>
    </div>
  );
}
