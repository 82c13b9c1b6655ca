import { NextResponse } from "next/server";
import { z } from "zod";
import { parseQuery } from "@/lib/api/query";
import { apiRoute } from "@/lib/api/route";
import { jobs } from "@/lib/jobs/registry";

export const dynamic = "force-dynamic";

const query = z.object({ alias: z.string().min(1, "alias: must not be empty").max(256).optional() });

/** Running and recent jobs, newest first, of one cache or of all (an addition to shared/API.md). */
export const GET = apiRoute(async ({ req }) => {
  const { alias } = parseQuery(query, req.nextUrl.searchParams);
  return NextResponse.json({ jobs: jobs().list(alias) });
});
