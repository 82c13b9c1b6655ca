import { NextResponse } from "next/server";
import { parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { namespacesQuery } from "@/lib/namespaces/query";
import { namespacesAnswer } from "@/lib/namespaces/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ alias: string }>(async ({ req, params }) => {
  const q = parseQuery(namespacesQuery, req.nextUrl.searchParams);
  return NextResponse.json(await namespacesAnswer(params.alias, q.window));
});
