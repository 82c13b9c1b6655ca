import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { metrics } from "@/lib/stats/service";
import { PROMETHEUS_CONTENT_TYPE } from "@/lib/stats/prometheus";

export const dynamic = "force-dynamic";

/** Prometheus scrapes this with `authorization: { credentials: <token> }` (a Bearer token): apiRoute checks it. */
export const GET = apiRoute(async () => new NextResponse(await metrics(), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } }));
