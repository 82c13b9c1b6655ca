import type { NamespaceKind } from "@/lib/namespaces/parse";

/** Where a namespace's row leads: the key browser filtered to its keys, and the invalidate page set up for them. Pure. */

export interface NamespaceLinks {
  /** null: its keys cannot be picked out by a prefix (a view's page keys hash the URL), `why` says so. */
  keys: string | null;
  invalidate: string | null;
  why?: string;
}

const FRAGMENT = "fragment:";
const SESSION_PREFIX = "django.contrib.sessions.cache";

export function namespaceLinks(alias: string, name: string, kind: NamespaceKind, keyNames: boolean): NamespaceLinks {
  const base = `/caches/${encodeURIComponent(alias)}`;
  const browse = (prefix: string) => `${base}?${new URLSearchParams({ prefix })}`;
  const invalidate = (q: Record<string, string>) => `${base}/invalidate?${new URLSearchParams(q)}`;
  const noPrefix = "FileBasedCache names files by the md5 of their key: no key prefix can pick them out";
  switch (kind) {
    case "key":
      // "": keys that start with a separator, which no prefix of their own picks out.
      if (name === "") return { keys: null, invalidate: null, why: 'keys starting with a separator (":" or ".")' };
      return keyNames
        ? { keys: browse(name), invalidate: invalidate({ action: "prefix", prefix: name }) }
        : { keys: null, invalidate: null, why: noPrefix };
    case "session":
      return keyNames
        ? { keys: browse(SESSION_PREFIX), invalidate: invalidate({ action: "prefix", prefix: SESSION_PREFIX }) }
        : { keys: null, invalidate: null, why: noPrefix };
    case "fragment": {
      const fragment = name.startsWith(FRAGMENT) ? name.slice(FRAGMENT.length) : name;
      return {
        // Listable caches show every variant; a FileBasedCache opens the fragment's key without vary-on values.
        keys: keyNames ? browse(`template.cache.${fragment}.`) : `${base}/entry?${new URLSearchParams({ fragment })}`,
        invalidate: invalidate({ action: "fragment", fragment }),
      };
    }
    case "view":
    case "page":
      return {
        keys: null,
        invalidate: invalidate({ action: "url" }),
        why: "cached pages are keyed by a hash of their URL: invalidate them by URL",
      };
    case "other":
      return { keys: null, invalidate: null, why: "the namespaces past the companion's cap, counted together" };
  }
}
