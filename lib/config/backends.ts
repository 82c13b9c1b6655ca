import { descriptorForPath } from "@/lib/backends/registry";
import type { BackendDescriptor } from "@/lib/backends/descriptor";

/** Django cache backends Cachescope knows but cannot inspect, and why. */
const UNSUPPORTED: Record<string, string> = {
  "django.core.cache.backends.locmem.LocMemCache":
    "LocMemCache lives inside each Django process's memory: nothing outside the process can read it.",
};

export type Classified = { descriptor: BackendDescriptor; note?: string } | { descriptor: null; note: string };

/** A BACKEND dotted path: the backend that reads it (lib/backends/registry.ts), or why none does. */
export function classifyBackend(path: string): Classified {
  const descriptor = descriptorForPath(path);
  if (descriptor) return descriptor.note ? { descriptor, note: descriptor.note } : { descriptor };
  return {
    descriptor: null,
    note:
      UNSUPPORTED[path] ??
      `Unknown backend "${path}": Cachescope knows Redis (Django's and django-redis), memcached, FileBasedCache, DatabaseCache and DummyCache.`,
  };
}
