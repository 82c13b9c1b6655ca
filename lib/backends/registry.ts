import type { CacheConfig } from "@/lib/config/types";
import type { BackendKind, CacheBackend } from "./types";
import { createRedisBackend } from "./redis";
import { createMemcachedBackend } from "./memcached";
import { createFileBasedBackend } from "./filebased";
import { createDummyBackend } from "./dummy";

type Factory = (config: CacheConfig) => CacheBackend;

/** One factory per backend kind: adding a backend is adding its line here. */
const factories: Partial<Record<BackendKind, Factory>> = {
  redis: createRedisBackend,
  memcached: createMemcachedBackend,
  filebased: createFileBasedBackend,
  dummy: createDummyBackend,
};

export function createBackend(config: CacheConfig): CacheBackend | null {
  const factory = factories[config.kind];
  return factory ? factory(config) : null;
}
