import { defineBackend } from "../descriptor";
import { createDummyBackend } from "./backend";

/** Django's DummyCache: stores nothing, so there is nothing to list, read or count. */
export const dummy = defineBackend({
  kind: "dummy",
  paths: ["django.core.cache.backends.dummy.DummyCache"],
  location: { split: false, required: false },
  note:
    "DummyCache stores nothing: every get is a miss and every set is dropped, so there are no keys to list or purge. " +
    "Teams configure it in development and tests to switch caching off without changing code.",
  noCounters: "DummyCache stores nothing",
  noProbe:
    "DummyCache stores nothing: every set is dropped and every get misses without reaching any server, so there is no latency to measure.",
  decodeHint: () => null,
  serverWideCounters: false,
  statsScope: () => "Counters cover this cache only.",
  create: createDummyBackend,
});
