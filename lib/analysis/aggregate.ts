import type { KeyRow } from "@/lib/backends/types";
import { kindOfKey, parseRawKey, type DjangoKind } from "@/lib/django/keys";
import { NamespaceTree, type NamespaceNode } from "@/lib/django/namespaces";
import type { ColdBasis } from "@/lib/backends/types";
import { ColdTally, coldWarnings, noColdBasis, type ColdSlot } from "./cold";
import { GroupFinder } from "./groups";
import { Histogram, SIZE_BOUNDS, TTL_BOUNDS } from "./histogram";
import { TopN } from "./top";
import type { Aggregated, AnalysisWarning, TopRow } from "./types";

/**
 * Everything an analysis reports, accumulated one row at a time in bounded memory: no key name is kept beyond the
 * top N, a few examples per warning and group, and the capped namespace tree.
 */

export const TOP_N = 50;
const GROUPS_SHOWN = 200;
const EXAMPLES = 5;
/** Distinct versions tracked; keys of further versions still count as old, in totals and warnings. */
const MAX_VERSIONS = 1_000;
/** Redis has no item size limit; a value this big is costly to read and to replicate all the same. */
export const LARGE_VALUE = 1024 * 1024;
/** Memcached drops values over item_size_max silently (Django's set() just fails): flag those within 10% of it. */
export const NEAR_LIMIT_SHARE = 0.9;

const KINDS: DjangoKind[] = ["page", "page_header", "fragment", "session", "key"];
/** Distinct namespaces held before they are added to the tree. */
const PENDING_NAMESPACES = 10_000;

/** The key up to and including its last ":" or "." ("" without one): what decides its place in the namespace tree. */
function namespaceOf(key: string): string {
  for (let i = key.length - 1; i >= 0; i--) {
    const c = key.charCodeAt(i);
    // ":" or "."
    if (c === 58 || c === 46) return key.slice(0, i + 1);
  }
  return "";
}

interface PendingNs extends ColdSlot {
  keys: number;
  bytes: number;
}

export interface AggregatorOptions {
  keyPrefix: string;
  version: number;
  /** Largest item the server stores, when it has such a limit (memcached item_size_max). */
  itemSizeMax?: number | null;
  /** How cold entries are told apart (the backend's coldBasis()); none: never-expiring figures only. */
  cold?: ColdBasis;
}

interface Tally {
  keys: number;
  bytes: number;
  examples: string[];
}

function tally(): Tally {
  return { keys: 0, bytes: 0, examples: [] };
}

function note(t: Tally, name: string, bytes: number): void {
  t.keys += 1;
  t.bytes += bytes;
  if (t.examples.length < EXAMPLES) t.examples.push(name);
}

export class Aggregator {
  private keys = 0;
  private bytes = 0;
  private readonly kinds = new Map<DjangoKind, { keys: number; bytes: number; coldKeys: number; coldBytes: number }>(
    KINDS.map((k) => [k, { keys: 0, bytes: 0, coldKeys: 0, coldBytes: 0 }]),
  );
  private readonly versions = new Map<number | null, { keys: number; bytes: number }>();
  private readonly servers = new Map<string, { keys: number; bytes: number }>();
  private lastVersion: number | null | undefined = undefined;
  private lastTally: { keys: number; bytes: number } | undefined = undefined;
  private readonly tree = new NamespaceTree({ maxDepth: 6, maxChildren: 50 });
  /**
   * Keys waiting to enter the tree, by namespace (the key up to its last separator, which has the same namespace
   * parts as the key): the tree walks its levels once per namespace instead of once per key. Insertion order is kept,
   * so the tree sees namespaces in the order keys arrived and its "other" buckets come out the same.
   */
  private readonly pendingNs = new Map<string, PendingNs>();
  private readonly groups = new GroupFinder();
  private readonly top = new TopN<TopRow>(TOP_N, (r) => r.size);
  private readonly sizes = new Histogram(SIZE_BOUNDS);
  private readonly ttls = new Histogram(TTL_BOUNDS);
  private noTtl = 0;
  private readonly oldVersions = tally();
  private readonly noTtlKeys = tally();
  private readonly nearLimit = tally();
  private readonly large = tally();
  private readonly foreign = tally();
  private readonly sizeUnknown = tally();

  private readonly coldBasis: ColdBasis;
  private readonly cold: ColdTally;

  constructor(private readonly opts: AggregatorOptions) {
    this.coldBasis = opts.cold ?? noColdBasis("This backend records no access times.");
    this.cold = new ColdTally(this.coldBasis);
  }

  add(row: KeyRow): void {
    const name = row.raw ?? row.file ?? "";
    const parsed = row.raw === null ? null : parseRawKey(row.raw, this.opts.keyPrefix);
    const kind: DjangoKind = parsed ? kindOfKey(parsed.key) : (row.kindHint ?? "key");
    const known = typeof row.size === "number";
    const size = known ? (row.size as number) : 0;

    this.keys += 1;
    this.bytes += size;
    if (row.server !== undefined) {
      const t = this.servers.get(row.server);
      if (t) {
        t.keys += 1;
        t.bytes += size;
      } else this.servers.set(row.server, { keys: 1, bytes: size });
    }
    const k = this.kinds.get(kind);
    if (k) {
      k.keys += 1;
      k.bytes += size;
    }
    // Keys outside the layout (and FileBasedCache files, which carry no key) count at the tree's root only.
    const ns = parsed ? namespaceOf(parsed.key) : "";
    const cold = this.cold.add(this.addToTree(ns, size), row, size);
    if (cold && k) {
      k.coldKeys += 1;
      k.coldBytes += size;
    }

    if (row.raw !== null) {
      const version = parsed ? parsed.version : null;
      // Nearly every key is at the current version: the last tally found is tried before the map.
      let v = version === this.lastVersion ? this.lastTally : this.versions.get(version);
      if (!v && this.versions.size < MAX_VERSIONS) this.versions.set(version, (v = { keys: 0, bytes: 0 }));
      if (v) {
        this.lastVersion = version;
        this.lastTally = v;
      }
      if (v) {
        v.keys += 1;
        v.bytes += size;
      }
      if (!parsed) note(this.foreign, row.raw, size);
      else if (parsed.version !== this.opts.version) note(this.oldVersions, row.raw, size);
    }
    if (parsed) this.groups.add(parsed.key, kind, size, cold);

    if (!known) {
      note(this.sizeUnknown, name, 0);
    } else {
      this.sizes.add(size);
      if (this.top.accepts(size)) {
        this.top.add({
          raw: row.raw,
          key: parsed?.key ?? null,
          size,
          ...(row.file !== undefined ? { file: row.file } : {}),
          ...(row.ttl !== undefined ? { ttl: row.ttl } : {}),
        });
      }
      const limit = this.opts.itemSizeMax;
      if (limit) {
        if (size > limit * NEAR_LIMIT_SHARE) note(this.nearLimit, name, size);
      } else if (size > LARGE_VALUE) {
        note(this.large, name, size);
      }
    }

    if (row.ttl === null) {
      this.noTtl += 1;
      note(this.noTtlKeys, name, size);
    } else if (typeof row.ttl === "number") {
      this.ttls.add(row.ttl);
    }
  }

  /** Counts the key under its namespace; returns the namespace's pending entry (the cold figures count there too). */
  private addToTree(ns: string, size: number): PendingNs {
    const p = this.pendingNs.get(ns);
    if (p) {
      p.keys += 1;
      p.bytes += size;
      return p;
    }
    if (this.pendingNs.size >= PENDING_NAMESPACES) this.flushTree();
    const fresh: PendingNs = { keys: 1, bytes: size, cold: null };
    this.pendingNs.set(ns, fresh);
    return fresh;
  }

  private flushTree(): void {
    for (const [ns, p] of this.pendingNs) {
      this.tree.add(ns, p.bytes, p.keys);
      if (p.cold) this.cold.fold(ns, p.cold);
    }
    this.pendingNs.clear();
  }

  get count(): number {
    return this.keys;
  }

  get totalBytes(): number {
    return this.bytes;
  }

  /**
   * The figures; `scale` multiplies counts and bytes (a sample standing for the whole). Top entries and examples are
   * real keys and are never scaled.
   */
  result(scale = 1): Aggregated {
    this.flushTree();
    const s = (n: number) => Math.round(n * scale);
    const about = scale === 1 ? "" : "about ";
    const warnings: AnalysisWarning[] = [];
    const warn = (code: AnalysisWarning["code"], t: Tally, message: string) =>
      warnings.push({ code, message, examples: t.examples, keys: s(t.keys), bytes: s(t.bytes) });

    if (this.oldVersions.keys > 0) {
      warn(
        "old_versions",
        this.oldVersions,
        `${about}${s(this.oldVersions.keys)} keys at versions other than VERSION ${this.opts.version}: Django never reads them again; they only take memory until they expire or are evicted.`,
      );
    }
    if (this.nearLimit.keys > 0 && this.opts.itemSizeMax) {
      warn(
        "near_item_limit",
        this.nearLimit,
        `${about}${s(this.nearLimit.keys)} items are over 90% of the server's item size limit (${this.opts.itemSizeMax} bytes): a slightly bigger value is silently not cached (Django's set() fails without an error).`,
      );
    }
    if (this.large.keys > 0) {
      warn(
        "large_values",
        this.large,
        `${about}${s(this.large.keys)} values are over 1 MiB: each read moves that much over the network and blocks the server while it is written out.`,
      );
    }
    if (this.noTtlKeys.keys > 0) {
      warn(
        "no_ttl",
        this.noTtlKeys,
        `${about}${s(this.noTtlKeys.keys)} entries never expire (timeout=None): they stay until deleted or evicted.`,
      );
    }
    if (this.foreign.keys > 0) {
      warn(
        "foreign_keys",
        this.foreign,
        `${about}${s(this.foreign.keys)} keys under the prefix do not follow "{KEY_PREFIX}:{VERSION}:{key}" (another app, or a custom KEY_FUNCTION).`,
      );
    }
    if (this.sizeUnknown.keys > 0) {
      warn(
        "size_unknown",
        this.sizeUnknown,
        `${about}${s(this.sizeUnknown.keys)} keys have no known size (the server refused MEMORY USAGE): their bytes are not counted.`,
      );
    }
    if (this.groups.incomplete) {
      warnings.push({
        code: "groups_incomplete",
        message: "Too many distinct groups to track them all: some group counts are lower than the truth.",
      });
    }

    const hasCold = this.coldBasis.basis !== null;
    const namespaces = scaleTree(this.tree.result(), scale);
    const groups = this.groups.result(GROUPS_SHOWN, scale, hasCold);
    const cold = this.cold.result(namespaces, scale, (raw) => parseRawKey(raw, this.opts.keyPrefix)?.key ?? null);
    warnings.push(...coldWarnings(cold, this.coldBasis, groups, about));

    return {
      keys: s(this.keys),
      bytes: s(this.bytes),
      byKind: [...this.kinds]
        .map(([kind, t]) => ({
          kind,
          keys: s(t.keys),
          bytes: s(t.bytes),
          ...(hasCold ? { cold: { keys: s(t.coldKeys), bytes: s(t.coldBytes) } } : {}),
        }))
        .filter((r) => r.keys > 0),
      byVersion: [...this.versions]
        .map(([version, t]) => ({ version, keys: s(t.keys), bytes: s(t.bytes), current: version === this.opts.version }))
        .sort((a, b) => (a.version ?? -Infinity) - (b.version ?? -Infinity)),
      namespaces,
      groups,
      top: this.top.result(),
      sizeHistogram: this.sizes.result(scale),
      ttlHistogram: this.ttls.result(scale),
      noTtl: s(this.noTtl),
      cold,
      warnings,
      ...(this.servers.size > 1
        ? {
            byServer: [...this.servers]
              .map(([server, t]) => ({ server, keys: s(t.keys), bytes: s(t.bytes) }))
              .sort((a, b) => a.server.localeCompare(b.server)),
          }
        : {}),
    };
  }
}

function scaleTree(node: NamespaceNode, scale: number): NamespaceNode {
  if (scale === 1) return node;
  const s = (n: number) => Math.round(n * scale);
  return {
    ...node,
    keys: s(node.keys),
    bytes: s(node.bytes),
    ...(node.otherKeys !== undefined ? { otherKeys: s(node.otherKeys) } : {}),
    ...(node.otherBytes !== undefined ? { otherBytes: s(node.otherBytes) } : {}),
    children: node.children.map((c) => scaleTree(c, scale)),
  };
}
