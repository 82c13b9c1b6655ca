import { backendFor, getContext } from "@/lib/server/context";
import { samplerSettings } from "./options";
import { StatsSampler } from "./sampler";

/** Next may load this module more than once (instrumentation and each route bundle): one sampler per process. */
const holder = globalThis as unknown as { __cachescopeStats?: StatsSampler };

/**
 * The process's sampler, started on first use. startup() calls it so the history begins when the server does;
 * the stats routes call it too, so sampling also starts where instrumentation did not run.
 */
export function getSampler(): StatsSampler {
  if (!holder.__cachescopeStats) {
    const sampler = new StatsSampler({
      caches: () => getContext().config.caches,
      backendFor,
      ...samplerSettings(process.env),
    });
    sampler.start();
    holder.__cachescopeStats = sampler;
  }
  return holder.__cachescopeStats;
}
