import { NextResponse } from "next/server";
import { cacheRoute } from "@/lib/api/cache-route";
import { jsonBody } from "@/lib/api/route";
import { invalidate } from "@/lib/invalidate/service";
import { parseInvalidateRequest } from "@/lib/invalidate/target";
import { jobs } from "@/lib/jobs/registry";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

/** Dry run: 200 {matched, bytes, sample}; otherwise 202 {job} (shared/API.md). */
export const POST = cacheRoute<{ alias: string }>("backend", async ({ req, cache, backend, actor, role, person }) => {
  const request = parseInvalidateRequest(await jsonBody(req));
  const answer = await invalidate(
    { cache, backend, actor, role, person, auditLog: getContext().auditLogPath, registry: jobs(), signal: req.signal },
    request,
  );
  if (answer.dryRun) return NextResponse.json(answer.result);
  return NextResponse.json({ job: answer.job }, { status: 202 });
});
