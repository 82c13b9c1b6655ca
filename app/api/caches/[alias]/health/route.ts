import { NextResponse } from "next/server";
import { z } from "zod";
import { apiRoute } from "@/lib/api/route";
import { parseQuery } from "@/lib/api/query";
import { backendFor, findCache } from "@/lib/server/context";

export const dynamic = "force-dynamic";

const healthQuery = z.object({
  servers: z
    .enum(["1", "0", "true", "false", ""], { error: "servers: expected 1 or 0" })
    .optional()
    .transform((v) => v === "1" || v === "true"),
});

/**
 * The backend's own health facts (an addition to shared/API.md): `{"supported": false}` where it has none. With
 * `servers=1`, each server's health panel where the backend has one (Redis: slow log, latency, doctors, top
 * commands), asked for on demand: the key browser's periodic poll does not send it.
 */
export const GET = apiRoute<{ alias: string }>(async ({ req, params }) => {
  const q = parseQuery(healthQuery, req.nextUrl.searchParams);
  const backend = backendFor(findCache(params.alias));
  const servers = q.servers && backend?.serverHealth ? { servers: await backend.serverHealth() } : {};
  if (!backend?.health) return NextResponse.json({ supported: false, facts: [], warnings: [], ...servers });
  return NextResponse.json({ supported: true, ...(await backend.health()), ...servers });
});
