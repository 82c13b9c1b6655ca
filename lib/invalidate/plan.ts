import { badRequest } from "@/lib/shared/errors";
import type { Capabilities, KeyRow } from "@/lib/backends/types";
import type { CacheConfig } from "@/lib/config/types";
import { fragmentKey, fragmentKeyStart } from "@/lib/django/fragment-keys";
import { makeKey, parseRawKey, rawPrefixFor } from "@/lib/django/keys";
import { UrlError, headerKeyStart, headerKeyVariants, isHeaderKeyOf, isPageKeyOf, pageKeyStart, urlHash } from "@/lib/django/page-keys";
import type { InvalidateRequest } from "./target";

/**
 * A target turned into what the backend can do:
 * - "scan": walk the keys under each literal raw prefix (the backend escapes glob characters) and keep the rows
 *   `accept` takes; only those are deleted.
 * - "exact": raw keys computed without listing (FileBasedCache, one fragment variant, named keys).
 */
export interface ScanSpec {
  rawPrefix: string;
  accept: (row: KeyRow) => boolean;
  /** accept reads row metadata (expiry), so the deleting walk must fetch it too. */
  needsMeta?: boolean;
}

export type Plan = { mode: "scan"; scans: ScanSpec[]; notes: string[] } | { mode: "exact"; raws: string[]; notes: string[] };

export interface PlanCache {
  config: CacheConfig;
  capabilities: Capabilities;
}

const FILE_URL_NOTE =
  "Keys of this cache cannot be listed by name (FileBasedCache names files by md5), so only exact keys are computed: " +
  "the URL's cache_header keys for the languages and time zones given (plus the bare key). Its cache_page keys contain " +
  "a hash of the request headers and cannot be computed; deleting the header key is enough: Django then misses the " +
  "page, renders it afresh and overwrites the stale entry.";

/** Django keys starting with keyStart, at the alias's version or at every version, further filtered by acceptKey. */
function djangoScan(cache: CacheConfig, allVersions: boolean, keyStart: string, acceptKey: (key: string) => boolean): ScanSpec {
  const { keyPrefix, version } = cache;
  return {
    // All versions: the version sits between KEY_PREFIX and the key, so only "{KEY_PREFIX}:" is literal.
    rawPrefix: rawPrefixFor(keyPrefix, allVersions ? null : version, keyStart),
    accept: (row) => {
      const parsed = row.raw === null ? null : parseRawKey(row.raw, keyPrefix);
      if (!parsed || !parsed.key.startsWith(keyStart)) return false;
      return (allVersions || parsed.version === version) && acceptKey(parsed.key);
    },
  };
}

function needListing(cache: PlanCache, what: string): void {
  if (!cache.capabilities.invalidatePrefix) {
    throw badRequest(
      `${what} needs keys listed by name, which ${cache.config.alias} (${cache.config.backendPath}) cannot do: ` +
        "give exact keys, a fragment with its vary-on values, or a URL (exact header keys)",
    );
  }
}

export function planFor(cache: PlanCache, req: InvalidateRequest): Plan {
  const { config } = cache;
  const { target, allVersions } = req;
  if (config.customKeyFunction) {
    throw badRequest(`${config.alias} sets a custom KEY_FUNCTION: its stored keys cannot be computed from Django keys`);
  }
  const exact = (keys: string[], notes: string[] = []): Plan => {
    if (allVersions) needListing(cache, "allVersions");
    if (allVersions) {
      const wanted = new Set(keys);
      return { mode: "scan", scans: [djangoScan(config, true, "", (k) => wanted.has(k))], notes };
    }
    return { mode: "exact", raws: keys.map((k) => makeKey(k, config.keyPrefix, config.version)), notes };
  };

  if ("prefix" in target) {
    needListing(cache, "A prefix purge");
    return { mode: "scan", scans: [djangoScan(config, allVersions, target.prefix, () => true)], notes: [] };
  }

  if ("url" in target) {
    let hash: string;
    try {
      hash = urlHash(target.url);
    } catch (e) {
      if (e instanceof UrlError) throw badRequest(`target.url: ${e.message}`);
      throw e;
    }
    const kp = target.keyPrefix ?? "";
    if (!cache.capabilities.invalidatePrefix) {
      const keys = headerKeyVariants(kp, hash, target.languages ?? [], target.timezones ?? []);
      return exact(keys, [FILE_URL_NOTE]);
    }
    return {
      mode: "scan",
      scans: [
        djangoScan(config, allVersions, pageKeyStart(kp), (k) => isPageKeyOf(k, kp, hash)),
        djangoScan(config, allVersions, headerKeyStart(kp, hash), (k) => isHeaderKeyOf(k, kp, hash)),
      ],
      notes: [],
    };
  }

  if ("fragment" in target) {
    const { name, varyOn } = target.fragment;
    if (varyOn !== undefined) return exact([fragmentKey(name, varyOn)]);
    needListing(cache, "Every variant of a fragment");
    return { mode: "scan", scans: [djangoScan(config, allVersions, fragmentKeyStart(name), () => true)], notes: [] };
  }

  if ("keys" in target) return exact(target.keys);

  if ("oldVersions" in target) {
    needListing(cache, "Purging old versions");
    const { keyPrefix, version } = config;
    return {
      mode: "scan",
      scans: [
        {
          rawPrefix: rawPrefixFor(keyPrefix, null),
          accept: (row) => {
            const parsed = row.raw === null ? null : parseRawKey(row.raw, keyPrefix);
            return parsed !== null && parsed.version !== version;
          },
        },
      ],
      notes: [],
    };
  }

  if ("expired" in target) {
    if (!cache.capabilities.listKeys) throw badRequest(`${config.alias} cannot list its entries, so it has no expired entries to find`);
    // Only rows the backend itself marked expired: Redis and memcached drop expired keys themselves and mark none.
    return { mode: "scan", scans: [{ rawPrefix: "", accept: (row) => row.expired === true, needsMeta: true }], notes: [] };
  }

  // Clear: never FLUSHDB / flush_all (other apps' keys live there too): only keys under this alias's KEY_PREFIX.
  const head = `${config.keyPrefix}:`;
  if (cache.capabilities.invalidatePrefix) {
    const notes =
      config.keyPrefix === ""
        ? [
            'KEY_PREFIX is empty: every key starting with ":" is deleted, including those of other apps that share this database with an empty KEY_PREFIX.',
          ]
        : [];
    return { mode: "scan", scans: [{ rawPrefix: head, accept: (row) => row.raw !== null && row.raw.startsWith(head) }], notes };
  }
  if (!cache.capabilities.listKeys) throw badRequest(`${config.alias} cannot list its entries, so it cannot be cleared from here`);
  return {
    mode: "scan",
    // Files do not carry their key: the whole directory is the alias's (as Django's own clear() sees it).
    scans: [{ rawPrefix: "", accept: () => true }],
    notes: [
      `Every entry file in ${config.locations[0] ?? "the cache directory"} is deleted: files do not name their key, so entries of any other alias sharing the directory go too.`,
    ],
  };
}
