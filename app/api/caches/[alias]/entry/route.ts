import { NextResponse } from "next/server";
import { cacheRoute } from "@/lib/api/cache-route";
import { entryQuery, parseQuery, varyOnValues } from "@/lib/api/query";
import { deleteEntry } from "@/lib/browse/delete-entry";
import { entryRef, readEntryView } from "@/lib/browse/read-entry";
import type { CacheConfig } from "@/lib/config/types";
import { getContext } from "@/lib/server/context";
import { notFound } from "@/lib/shared/errors";

export const dynamic = "force-dynamic";

function refOf(cache: CacheConfig, params: URLSearchParams) {
  return entryRef(cache, { ...parseQuery(entryQuery, params), varyOn: varyOnValues(params) });
}

export const GET = cacheRoute<{ alias: string }>("backend", async ({ req, cache, backend }) => {
  const ref = refOf(cache, req.nextUrl.searchParams);
  const view = await readEntryView(backend, cache, ref);
  if (!view) throw notFound("no such entry (it may have expired or been deleted)");
  return NextResponse.json(view);
});

/** {deleted}; 503 audit_unavailable (nothing deleted) when the audit log cannot take the intent. */
export const DELETE = cacheRoute<{ alias: string }>("backend", async ({ req, cache, backend, actor, role, person }) => {
  const ref = refOf(cache, req.nextUrl.searchParams);
  return NextResponse.json(await deleteEntry(backend, cache, ref, { actor, role, person }, getContext().auditLogPath));
});
