import { NextResponse } from "next/server";
import { parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { namespaceHistoryQuery } from "@/lib/namespaces/query";
import { namespaceHistory } from "@/lib/namespaces/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ alias: string }>(async ({ req, params }) => {
  const q = parseQuery(namespaceHistoryQuery, req.nextUrl.searchParams);
  return NextResponse.json(await namespaceHistory(params.alias, q.name ?? null, q.since));
});
