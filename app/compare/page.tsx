import { Suspense } from "react";
import { CompareView } from "@/components/compare/CompareView";

export default function ComparePage() {
  return (
    <div className="space-y-3">
      <h1 className="text-lg font-semibold">Compare backends</h1>
      <p className="max-w-3xl text-slate-600">
        Every configured cache side by side: how long its gets and sets take for the Django app (real traffic, timed by the companion), and
        what an on-demand probe measures with values of the sizes the cache actually stores.
      </p>
      <Suspense>
        <CompareView />
      </Suspense>
    </div>
  );
}
