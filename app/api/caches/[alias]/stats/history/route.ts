import { NextResponse } from "next/server";
import { parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { historyQuery } from "@/lib/stats/query";
import { cacheHistory } from "@/lib/stats/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ alias: string }>(async ({ req, params }) => {
  const q = parseQuery(historyQuery, req.nextUrl.searchParams);
  return NextResponse.json(await cacheHistory(params.alias, q));
});
