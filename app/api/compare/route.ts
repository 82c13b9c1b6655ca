import { NextResponse } from "next/server";
import { parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { jobs } from "@/lib/jobs/registry";
import { namespacesQuery } from "@/lib/namespaces/query";
import { compareAnswer } from "@/lib/probe/compare";

export const dynamic = "force-dynamic";

/** Every configured cache side by side: real-traffic latency over `window` seconds (default 60) and probe runs. */
export const GET = apiRoute(async ({ req }) => {
  const { window } = parseQuery(namespacesQuery, req.nextUrl.searchParams);
  return NextResponse.json(await compareAnswer(jobs(), window));
});
