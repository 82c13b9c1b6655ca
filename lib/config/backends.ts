import type { BackendKind } from "@/lib/backends/types";

interface KnownBackend {
  kind: BackendKind;
  /** Why it cannot be inspected from outside (kind "unsupported"). */
  note?: string;
}

/** Django's BACKEND dotted paths (and django-redis's), as they appear in settings. */
const KNOWN: Record<string, KnownBackend> = {
  "django.core.cache.backends.redis.RedisCache": { kind: "redis" },
  "django_redis.cache.RedisCache": { kind: "redis" },
  "django.core.cache.backends.memcached.PyMemcacheCache": { kind: "memcached" },
  "django.core.cache.backends.memcached.PyLibMCCache": { kind: "memcached" },
  "django.core.cache.backends.memcached.MemcachedCache": { kind: "memcached" },
  "django.core.cache.backends.filebased.FileBasedCache": { kind: "filebased" },
  "django.core.cache.backends.dummy.DummyCache": {
    kind: "dummy",
    note:
      "DummyCache stores nothing: every get is a miss and every set is dropped, so there are no keys to list or purge. " +
      "Teams configure it in development and tests to switch caching off without changing code.",
  },
  "django.core.cache.backends.locmem.LocMemCache": {
    kind: "unsupported",
    note: "LocMemCache lives inside each Django process's memory: nothing outside the process can read it.",
  },
  "django.core.cache.backends.db.DatabaseCache": {
    kind: "unsupported",
    note: "DatabaseCache keeps entries in a database table; Cachescope does not connect to databases.",
  },
};

export function classifyBackend(path: string): KnownBackend {
  return (
    KNOWN[path] ?? {
      kind: "unsupported",
      note: `Unknown backend "${path}": Cachescope knows Redis (Django's and django-redis), memcached, FileBasedCache and DummyCache.`,
    }
  );
}
