import { defineBackend } from "../descriptor";
import { createFileBasedBackend } from "./backend";

/** Django's FileBasedCache: one directory of "<md5(key)>.djcache" files, no counters. */
export const filebased = defineBackend({
  kind: "filebased",
  paths: ["django.core.cache.backends.filebased.FileBasedCache"],
  // Django takes LOCATION whole: a directory path may hold ";" or ",".
  location: { split: false, required: true },
  decodeHint: () => ({ source: "filebased" }),
  serverWideCounters: false,
  statsScope: () => "Counters cover this cache only.",
  create: createFileBasedBackend,
});
