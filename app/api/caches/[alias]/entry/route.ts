import { NextResponse } from "next/server";
import { ApiError } from "@/lib/api/errors";
import { notFound } from "@/lib/shared/errors";
import { entryQuery, parseQuery, varyOnValues } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { deleteEntry } from "@/lib/browse/delete-entry";
import { entryRef, readEntryView } from "@/lib/browse/read-entry";
import { backendFor, findCache, getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

function target(alias: string) {
  const cache = findCache(alias);
  const backend = backendFor(cache);
  if (!backend) throw new ApiError(400, "not_inspectable", cache.note ?? `${cache.backendPath} cannot be inspected`);
  return { cache, backend };
}

function refOf(cache: ReturnType<typeof findCache>, params: URLSearchParams) {
  return entryRef(cache, { ...parseQuery(entryQuery, params), varyOn: varyOnValues(params) });
}

export const GET = apiRoute<{ alias: string }>(async ({ req, params }) => {
  const { cache, backend } = target(params.alias);
  const ref = refOf(cache, req.nextUrl.searchParams);
  const view = await readEntryView(backend, cache, ref);
  if (!view) throw notFound("no such entry (it may have expired or been deleted)");
  return NextResponse.json(view);
});

/** {deleted}; 503 audit_unavailable (nothing deleted) when the audit log cannot take the intent. */
export const DELETE = apiRoute<{ alias: string }>(async ({ req, params, actor, role }) => {
  const { cache, backend } = target(params.alias);
  const ref = refOf(cache, req.nextUrl.searchParams);
  return NextResponse.json(await deleteEntry(backend, cache, ref, { actor, role }, getContext().auditLogPath));
});
