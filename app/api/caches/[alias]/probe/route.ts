import { NextResponse } from "next/server";
import { apiRoute, jsonBody } from "@/lib/api/route";
import { cacheRoute } from "@/lib/api/cache-route";
import { jobs } from "@/lib/jobs/registry";
import { parseProbeRequest } from "@/lib/probe/request";
import { probeRuns, startProbe } from "@/lib/probe/service";
import { findCache, getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** Starts a probe: 202 {job}. Admin only, refused read-only (it writes); `{"confirm": true}` required. */
export const POST = cacheRoute<{ alias: string }>("backend", async ({ req, cache, backend, actor, role, person }) => {
  const request = parseProbeRequest(await jsonBody(req, { emptyIsObject: true }));
  const job = await startProbe({ cache, backend, actor, role, person, auditLog: getContext().auditLogPath, registry: jobs() }, request);
  return NextResponse.json({ job }, { status: 202 });
});

/** The alias's finished probes (newest first, kept in memory) and the running one: {runs, running}. */
export const GET = apiRoute<{ alias: string }>(async ({ params }) => {
  const cache = findCache(params.alias);
  return NextResponse.json(probeRuns(jobs(), cache.alias));
});
