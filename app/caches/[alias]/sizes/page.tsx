import Link from "next/link";
import { SizesPanel } from "@/components/sizes/SizesPanel";

export default async function SizesPage({ params }: { params: Promise<{ alias: string }> }) {
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
        <h1 className="text-lg font-semibold">Sizes</h1>
      </div>
      <SizesPanel alias={name} />
    </div>
  );
}
