import type { Connection } from "./secrets";
import { Secret } from "./secrets";
import type { CacheConfig } from "./types";

/** The real LOCATIONs and OPTIONS of an alias: for a backend opening its connection, never for showing. */
export function connectionOf(config: CacheConfig): Connection {
  return config.connection?.reveal() ?? { locations: config.locations, options: config.options };
}

/** The alias narrowed to one of its LOCATIONs (a shard of a pool), its secret kept along. */
export function configForLocation(config: CacheConfig, index: number): CacheConfig {
  const real = connectionOf(config);
  return {
    ...config,
    locations: [config.locations[index]],
    connection: new Secret({ locations: [real.locations[index]], options: real.options }),
  };
}
