import type { DecodeHint } from "@/lib/codecs/types";
import type { CacheConfig } from "@/lib/config/types";
import type { BackendDescriptor } from "./descriptor";
import type { CacheBackend } from "@/lib/backends/types";
import { redis } from "./redis";
import { memcached } from "./memcached";
import { filebased } from "./filebased";
import { dummy } from "./dummy";
import { database } from "./database";

/** Every backend Cachescope can inspect: adding one is its folder and its line here (lib/backends/README.md). */
export const DESCRIPTORS = [redis, memcached, filebased, dummy, database] as const;

type Descriptor = (typeof DESCRIPTORS)[number];
export type BackendKind = Descriptor["kind"];
/** The stats extras of one server of a backend kind (never for kinds without counters). */
export type StatsExtraOf<K extends BackendKind> = NonNullable<Extract<Descriptor, { kind: K }>["extra"]>;

const BY_PATH: ReadonlyMap<string, Descriptor> = new Map(DESCRIPTORS.flatMap((d) => d.paths.map((p) => [p, d] as const)));

/** The descriptor of a BACKEND dotted path; null for one Cachescope cannot inspect (lib/config/backends.ts says why). */
export function descriptorForPath(path: string): Descriptor | null {
  return BY_PATH.get(path) ?? null;
}

export function descriptorOf(config: Pick<CacheConfig, "backendPath">): BackendDescriptor | null {
  return descriptorForPath(config.backendPath);
}

export function kindOf(config: Pick<CacheConfig, "backendPath">): BackendKind | "unsupported" {
  return descriptorForPath(config.backendPath)?.kind ?? "unsupported";
}

/** The backend of an alias; null for kinds Cachescope cannot inspect. */
export function createBackend(config: CacheConfig): CacheBackend | null {
  return descriptorOf(config)?.create(config) ?? null;
}

/**
 * How an alias's stored bytes decode, by its BACKEND path and OPTIONS (memcached: with the item's flags; null
 * without them). Paths Cachescope cannot inspect give null.
 */
export function decodeHintFor(backendPath: string, options: Record<string, unknown>, flags?: number): DecodeHint | null {
  return descriptorForPath(backendPath)?.decodeHint({ backendPath, options }, flags) ?? null;
}
