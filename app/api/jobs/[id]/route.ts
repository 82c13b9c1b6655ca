import { NextResponse } from "next/server";
import { notFound } from "@/lib/shared/errors";
import { apiRoute } from "@/lib/api/route";
import { cancelJob } from "@/lib/invalidate/cancel";
import { jobs } from "@/lib/jobs/registry";
import { getContext } from "@/lib/server/context";

export const dynamic = "force-dynamic";

function missing(id: string) {
  return notFound(`no job "${id}" (finished jobs are kept in memory until the server restarts or newer ones push them out)`);
}

export const GET = apiRoute<{ id: string }>(async ({ params }) => {
  const job = jobs().get(params.id);
  if (!job) throw missing(params.id);
  return NextResponse.json(job);
});

/** Cancels a running job: it stops after its current batch and ends "cancelled". A finished job is answered as it is. */
export const DELETE = apiRoute<{ id: string }>(async ({ params, actor, role, person }) => {
  const job = await cancelJob(jobs(), params.id, { actor, role, person }, getContext().auditLogPath);
  if (!job) throw missing(params.id);
  return NextResponse.json(job);
});
