import { NextResponse } from "next/server";
import { cacheRoute } from "@/lib/api/cache-route";
import { keysQuery, parseQuery } from "@/lib/api/query";
import { listKeys } from "@/lib/browse/list-keys";

export const dynamic = "force-dynamic";

export const GET = cacheRoute<{ alias: string }>("listKeys", async ({ req, cache, backend }) => {
  const q = parseQuery(keysQuery, req.nextUrl.searchParams);
  return NextResponse.json(await listKeys(backend, cache, q));
});
