import { NextResponse } from "next/server";
import { cacheRoute } from "@/lib/api/cache-route";
import { apiRoute, jsonBody } from "@/lib/api/route";
import { parseAnalysisRequest } from "@/lib/analysis/request";
import { analysisState, startAnalysis } from "@/lib/analysis/service";
import { jobs } from "@/lib/jobs/registry";
import { findCache } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** Starts an analysis: 202 {job} (shared/API.md Sizes). The body may be empty (a full analysis). */
export const POST = cacheRoute<{ alias: string }>(
  "listKeys",
  async ({ req, cache, backend }) => {
    const request = parseAnalysisRequest(await jsonBody(req, { emptyIsObject: true }));
    return NextResponse.json({ job: startAnalysis(jobs(), cache, backend, request) }, { status: 202 });
  },
  { readsOnly: true },
);

/** The latest finished analysis of the alias (kept in memory) and the running one: {job, running}, each a Job or null. */
export const GET = apiRoute<{ alias: string }>(async ({ params }) => {
  const cache = findCache(params.alias);
  return NextResponse.json(analysisState(jobs(), cache.alias));
});
