import { kindOf } from "@/lib/backends/registry";
import { notFound } from "@/lib/shared/errors";
import type { CacheConfig } from "@/lib/config/types";
import { backendFor, findCache, getContext } from "@/lib/server/context";
import { getSampler } from "./instance";
import { metricsText } from "./prometheus";
import { historyAnswer, statsAnswer, unsupportedAnswer, type HistoryAnswer, type HistoryRequest, type StatsAnswer } from "./report";

/**
 * What the stats routes answer. Counters come from the sampler's latest poll when it is recent, so pages polling
 * every 2 s do not add INFO or "stats" requests of their own; otherwise they poll now.
 */

/** A sample older than two intervals means the timer is not keeping up (or never ran): poll now. */
const maxAge = () => getSampler().intervalMs * 2;

async function unsupportedReason(cache: CacheConfig): Promise<string | null> {
  const backend = backendFor(cache);
  if (!backend) return cache.note ?? `${cache.backendPath} cannot be inspected`;
  if (backend.capabilities.serverStats) return null;
  const snap = await backend.stats();
  return snap.reason ?? `${cache.backendPath} keeps no hit/miss counters`;
}

export async function cacheStats(alias: string, windowSeconds: number): Promise<StatsAnswer> {
  const cache = findCache(alias);
  const sampler = getSampler();
  const reason = await unsupportedReason(cache);
  if (reason !== null) return unsupportedAnswer(cache.alias, kindOf(cache), reason, sampler.intervalMs);
  const track = await sampler.fresh(cache.alias, maxAge());
  return statsAnswer(cache.backendPath, track, sampler.intervalMs, windowSeconds);
}

export async function cacheHistory(alias: string, req: HistoryRequest): Promise<HistoryAnswer> {
  const cache = findCache(alias);
  const sampler = getSampler();
  if ((await unsupportedReason(cache)) !== null) {
    return { alias: cache.alias, server: req.server ?? null, seconds: req.seconds, intervalMs: sampler.intervalMs, points: [] };
  }
  const track = await sampler.fresh(cache.alias, maxAge());
  const answer = historyAnswer(track, req, sampler.intervalMs);
  if (!answer) throw notFound(`cache "${cache.alias}" has no server "${req.server}"`);
  return answer;
}

export async function metrics(): Promise<string> {
  const sampler = getSampler();
  const caches = getContext().config.caches.filter((c) => backendFor(c)?.capabilities.serverStats === true);
  const tracks = await Promise.all(caches.map((c) => sampler.fresh(c.alias, maxAge())));
  return metricsText(caches.map((c, i) => ({ alias: c.alias, kind: kindOf(c), servers: tracks[i].latest?.servers ?? [] })));
}
