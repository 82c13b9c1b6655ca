import { NextResponse } from "next/server";
import { ApiError } from "@/lib/api/errors";
import { apiRoute, jsonBody } from "@/lib/api/route";
import { invalidate } from "@/lib/invalidate/service";
import { parseInvalidateRequest } from "@/lib/invalidate/target";
import { jobs } from "@/lib/jobs/registry";
import { backendFor, findCache, getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** Dry run: 200 {matched, bytes, sample}; otherwise 202 {job} (shared/API.md). */
export const POST = apiRoute<{ alias: string }>(async ({ req, params, actor, role }) => {
  const cache = findCache(params.alias);
  const request = parseInvalidateRequest(await jsonBody(req));
  const backend = backendFor(cache);
  if (!backend) throw new ApiError(400, "not_inspectable", cache.note ?? `${cache.backendPath} cannot be inspected`);
  const answer = await invalidate(
    { cache, backend, actor, role, auditLog: getContext().auditLogPath, registry: jobs(), signal: req.signal },
    request,
  );
  if (answer.dryRun) return NextResponse.json(answer.result);
  return NextResponse.json({ job: answer.job }, { status: 202 });
});
