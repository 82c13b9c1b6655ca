import { SizesPanel } from "@/components/sizes/SizesPanel";

/** The header and tabs come from the cache layout. */
export default async function SizesPage({ params }: { params: Promise<{ alias: string }> }) {
  return <SizesPanel alias={decodeURIComponent((await params).alias)} />;
}
