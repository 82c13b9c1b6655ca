"use client";

import { useCache } from "../caches/useCache";
import { Notice, Spinner } from "../ui";
import { InvalidateForm } from "./InvalidateForm";
import { JobList } from "./JobList";

/** The Invalidate tab: the form on the left (hidden from whoever may change nothing), this cache's jobs on the right. */
export function InvalidatePanel({ alias }: { alias: string }) {
  const info = useCache(alias);
  if (info.isPending) return <Spinner label="Loading cache…" />;
  if (info.isError)
    return (
      <Notice tone="error" title={`Cannot open cache “${alias}”`}>
        {info.error.message}
      </Notice>
    );
  const cache = info.data;
  const canAct = !cache.readOnly;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,32rem)_1fr]">
      <section className="space-y-3">
        <h2 className="font-semibold">Invalidate</h2>
        {canAct ? (
          <InvalidateForm cache={cache} />
        ) : (
          <Notice tone="info" title="Read-only mode">
            Cachescope runs with CACHESCOPE_READ_ONLY=1: nothing can be deleted from here. Jobs started before are listed on the right.
          </Notice>
        )}
      </section>

      <section className="space-y-3">
        <h2 className="font-semibold">Jobs on {alias}</h2>
        <JobList alias={alias} canCancel={canAct} />
      </section>
    </div>
  );
}
