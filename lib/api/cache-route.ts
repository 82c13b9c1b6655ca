import type { NextResponse } from "next/server";
import type { CacheBackend } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { backendFor, findCache } from "@/lib/server/context";
import { DomainError } from "@/lib/shared/errors";
import { apiRoute, type RouteContext, type RouteOptions } from "./route";

/** What a route needs of an alias's backend: that there is one, or that it can list its keys. */
export type Need = "backend" | "listKeys";

/** One refusal per missing capability (400), said the same way by every route. */
function refusal(need: Need, cache: CacheConfig, backend: CacheBackend | null): DomainError | null {
  if (!backend) return new DomainError("not_inspectable", cache.note ?? `${cache.backendPath} cannot be inspected`);
  if (need === "listKeys" && !backend.capabilities.listKeys) {
    return new DomainError(
      "not_listable",
      backend.capabilities.unlistedReason ?? cache.note ?? `${cache.alias} (${cache.backendPath}) cannot list its keys`,
    );
  }
  return null;
}

export interface CacheRouteContext<P> extends RouteContext<P> {
  cache: CacheConfig;
  backend: CacheBackend;
}

/**
 * An API route on one alias: apiRoute's access checks, then 404 for an unknown alias, the backend built, and the
 * capability the route needs checked, before the handler runs.
 */
export function cacheRoute<P extends { alias: string }>(
  need: Need,
  handler: (ctx: CacheRouteContext<P>) => Promise<NextResponse> | NextResponse,
  options: RouteOptions = {},
) {
  return apiRoute<P>(async (ctx) => {
    const cache = findCache(ctx.params.alias);
    const backend = backendFor(cache);
    const refused = refusal(need, cache, backend);
    if (refused || !backend) throw refused;
    return handler({ ...ctx, cache, backend });
  }, options);
}
