import { NextResponse } from "next/server";
import { parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { statsQuery } from "@/lib/stats/query";
import { cacheStats } from "@/lib/stats/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ alias: string }>(async ({ req, params }) => {
  const q = parseQuery(statsQuery, req.nextUrl.searchParams);
  return NextResponse.json(await cacheStats(params.alias, q.window));
});
