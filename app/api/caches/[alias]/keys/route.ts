import { NextResponse } from "next/server";
import { ApiError } from "@/lib/api/errors";
import { keysQuery, parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { listKeys } from "@/lib/browse/list-keys";
import { backendFor, findCache } from "@/lib/server/context";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ alias: string }>(async ({ req, params }) => {
  const cache = findCache(params.alias);
  const q = parseQuery(keysQuery, req.nextUrl.searchParams);
  const backend = backendFor(cache);
  if (!backend || !backend.capabilities.listKeys) {
    throw new ApiError(400, "not_listable", cache.note ?? `${cache.backendPath} cannot list its keys`);
  }
  return NextResponse.json(await listKeys(backend, cache, q));
});
