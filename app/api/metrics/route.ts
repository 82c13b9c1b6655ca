import { NextResponse } from "next/server";
import { apiRoute } from "@/lib/api/route";
import { metrics } from "@/lib/stats/service";
import { PROMETHEUS_CONTENT_TYPE } from "@/lib/stats/prometheus";
import { namespaceMetricsText } from "@/lib/namespaces/prometheus";
import { namespaceWindows } from "@/lib/namespaces/service";

export const dynamic = "force-dynamic";

/** Prometheus scrapes this with `authorization: { credentials: <token> }` (a Bearer token): apiRoute checks it. */
export const GET = apiRoute(async () => {
  const [servers, namespaces] = await Promise.all([metrics(), namespaceWindows(60)]);
  return new NextResponse(servers + namespaceMetricsText(namespaces), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
});
