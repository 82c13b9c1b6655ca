import { CacheList } from "@/components/caches/CacheList";

export default function HomePage() {
  return (
    <div className="space-y-3">
      <h1 className="text-lg font-semibold">Caches</h1>
      <CacheList />
    </div>
  );
}
