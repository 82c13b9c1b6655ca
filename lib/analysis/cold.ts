import type { ColdBasis, KeyRow } from "@/lib/backends/types";
import type { NamespaceNode } from "@/lib/django/namespaces";
import { Histogram } from "./histogram";
import { TopN } from "./top";
import type { AnalysisWarning, ColdFigures, ColdNamespace, ColdTopRow, GroupRow, KeysBytes } from "./types";

/**
 * The analysis's cold figures: per top-level namespace, entries never read, idle over an hour and a day, and never
 * expiring; an idle (or LFU counter) histogram; the biggest cold entries. Fed one row at a time by the Aggregator;
 * a row that is warm and expires costs a few comparisons and nothing else.
 */

const HOUR = 3600;
const DAY = 86400;
export const COLD_TOP_N = 50;
/** Idle seconds: a second, 10 s, a minute, 10 min, an hour, 6 h, a day, a week. */
export const IDLE_BOUNDS = [1, 10, 60, 600, HOUR, 6 * HOUR, DAY, 7 * DAY];
/** LFU counters (logarithmic, 0-255; a new key starts at 5 and decays by 1 per lfu-decay-time minutes unread). */
export const FREQ_BOUNDS = [0, 4, 5, 10, 20, 50, 100];
/** Top-level names tracked (the tree keeps 50; names it folds into "other" are folded here when the figures are made). */
const MAX_NAMES = 1_000;
export const OTHER = "(other)";

export interface Counts {
  keys: number;
  bytes: number;
  neverKeys: number;
  neverBytes: number;
  h1Keys: number;
  h1Bytes: number;
  h24Keys: number;
  h24Bytes: number;
  noExpKeys: number;
  noExpBytes: number;
  /** Never expiring and idle over a day: kept for nothing until evicted. */
  staleKeys: number;
  staleBytes: number;
}

/**
 * Where a namespace's cold counts are kept while its keys arrive: the Aggregator's own pending entry of the
 * namespace (the key up to its last separator), so a row costs no lookup of its own; folded in by fold().
 */
export interface ColdSlot {
  cold: Counts | null;
}

function counts(): Counts {
  return {
    keys: 0,
    bytes: 0,
    neverKeys: 0,
    neverBytes: 0,
    h1Keys: 0,
    h1Bytes: 0,
    h24Keys: 0,
    h24Bytes: 0,
    noExpKeys: 0,
    noExpBytes: 0,
    staleKeys: 0,
    staleBytes: 0,
  };
}

function addInto(to: Counts, from: Counts): void {
  to.neverKeys += from.neverKeys;
  to.neverBytes += from.neverBytes;
  to.h1Keys += from.h1Keys;
  to.h1Bytes += from.h1Bytes;
  to.h24Keys += from.h24Keys;
  to.h24Bytes += from.h24Bytes;
  to.noExpKeys += from.noExpKeys;
  to.noExpBytes += from.noExpBytes;
  to.staleKeys += from.staleKeys;
  to.staleBytes += from.staleBytes;
}

/** The top level of a namespace ("app:users:" → "app"; "" for keys without a separator), as the tree names it. */
export function topLevelOf(ns: string): string {
  for (let i = 0; i < ns.length; i++) {
    const c = ns.charCodeAt(i);
    if (c === 58 || c === 46) return ns.slice(0, i);
  }
  return "";
}

/** What "cold" means for a basis, in the words of the warnings. */
export function coldWords(basis: ColdBasis): string {
  switch (basis.basis) {
    case "fetched":
      return "were never read";
    case "idletime":
      return "were not read in the last hour";
    case "atime":
      return basis.idle1h ? "were not read in the last hour" : "were not read in the last day";
    case "lfu":
      return "have an LFU counter of 0 (rarely read, and not for a while)";
    default:
      return "";
  }
}

export class ColdTally {
  private readonly names = new Map<string, Counts>();
  private readonly histogram: Histogram | null;
  private readonly top = new TopN<ColdTopRow>(COLD_TOP_N, (r) => r.size);
  private readonly fetched: boolean;
  private readonly idle: boolean;
  private readonly lfu: boolean;
  /** Idle seconds from which an entry counts as cold (top entries, groups). */
  private readonly coldIdle: number;

  constructor(private readonly basis: ColdBasis) {
    this.fetched = basis.basis === "fetched";
    this.idle = basis.basis === "fetched" || basis.basis === "idletime" || basis.basis === "atime";
    this.lfu = basis.basis === "lfu";
    this.coldIdle = basis.idle1h ? HOUR : DAY;
    this.histogram = this.lfu ? new Histogram(FREQ_BOUNDS) : this.idle ? new Histogram(IDLE_BOUNDS) : null;
  }

  /**
   * Counts one row in `slot` (its namespace's); returns whether it is cold by this basis (never read; idle past the
   * basis's threshold; LFU counter 0), for the caller's kind and group figures.
   */
  add(slot: ColdSlot, row: KeyRow, size: number): boolean {
    const idle = row.idle;
    const never = this.fetched && row.fetched === false;
    const noExpiry = row.ttl === null;
    let cold = never;
    if (idle !== undefined) {
      this.histogram?.add(idle);
      if (idle > this.coldIdle) cold = true;
    } else if (this.lfu && row.freq !== undefined) {
      this.histogram?.add(row.freq);
      if (row.freq === 0) cold = true;
    }
    if (!cold && !noExpiry && (idle === undefined || idle <= HOUR)) return false;

    let c = slot.cold;
    if (c === null) c = slot.cold = counts();
    if (never) {
      c.neverKeys += 1;
      c.neverBytes += size;
    }
    if (idle !== undefined && idle > HOUR) {
      c.h1Keys += 1;
      c.h1Bytes += size;
      if (idle > DAY) {
        c.h24Keys += 1;
        c.h24Bytes += size;
      }
    }
    if (noExpiry) {
      c.noExpKeys += 1;
      c.noExpBytes += size;
      if (idle !== undefined && idle > DAY) {
        c.staleKeys += 1;
        c.staleBytes += size;
      }
    }
    if (cold && this.top.accepts(size)) {
      this.top.add({
        raw: row.raw,
        key: null,
        size,
        idleSeconds: idle ?? null,
        ...(row.file !== undefined ? { file: row.file } : {}),
        ...(row.ttl !== undefined ? { ttl: row.ttl } : {}),
        ...(row.freq !== undefined ? { freq: row.freq } : {}),
        ...(row.fetched !== undefined ? { fetched: row.fetched } : {}),
      });
    }
    return cold;
  }

  /** Adds a namespace's counts (`ns`: the key up to its last separator) to its top level's. */
  fold(ns: string, c: Counts): void {
    let name = topLevelOf(ns);
    let into = this.names.get(name);
    if (!into) {
      if (this.names.size >= MAX_NAMES) name = OTHER;
      into = this.names.get(name);
      if (!into) this.names.set(name, (into = counts()));
    }
    addInto(into, c);
  }

  /**
   * The figures, per top level of `tree` (the analysis's namespace tree, for each name's keys and bytes); `keyOf`
   * names a top row's Django key. Counts are multiplied by `scale` (a sample standing for the whole). Every slot
   * must have been folded in first.
   */
  result(tree: NamespaceNode, scale: number, keyOf: (raw: string) => string | null): ColdFigures {
    const s = (n: number) => Math.round(n * scale);
    const pair = (keys: number, bytes: number): KeysBytes => ({ keys: s(keys), bytes: s(bytes) });
    const idle = this.idle;
    const row = (name: string, prefix: string, keys: number, bytes: number, c: Counts): ColdNamespace => ({
      name,
      prefix,
      keys,
      bytes,
      neverRead: this.fetched ? pair(c.neverKeys, c.neverBytes) : null,
      idleOver1h: idle && this.basis.idle1h ? pair(c.h1Keys, c.h1Bytes) : null,
      idleOver24h: idle && this.basis.idle24h ? pair(c.h24Keys, c.h24Bytes) : null,
      noExpiry: pair(c.noExpKeys, c.noExpBytes),
      ...(idle && this.basis.idle24h ? { staleNoExpiry: pair(c.staleKeys, c.staleBytes) } : {}),
    });
    const namespaces: ColdNamespace[] = [];
    const seen = new Set<string>();
    let childKeys = 0;
    let childBytes = 0;
    for (const child of tree.children) {
      seen.add(child.name);
      childKeys += child.keys;
      childBytes += child.bytes;
      namespaces.push(row(child.name, child.prefix, child.keys, child.bytes, this.names.get(child.name) ?? counts()));
    }
    // Names the tree folded into "other", and keys with no separator (the tree's root): their own rows.
    const other = counts();
    for (const [name, c] of this.names) if (!seen.has(name) && name !== "") addInto(other, c);
    if (tree.otherKeys) namespaces.push(row(OTHER, "", tree.otherKeys, tree.otherBytes ?? 0, other));
    const rootKeys = tree.keys - childKeys - (tree.otherKeys ?? 0);
    if (rootKeys > 0)
      namespaces.push(row("", "", rootKeys, tree.bytes - childBytes - (tree.otherBytes ?? 0), this.names.get("") ?? counts()));

    const histogram = this.histogram
      ? { unit: this.lfu ? ("lfu" as const) : ("seconds" as const), buckets: this.histogram.result(scale) }
      : null;
    return {
      basis: this.basis.basis,
      note: this.basis.note,
      namespaces,
      top: this.top.result().map((r) => ({ ...r, key: r.raw === null ? null : keyOf(r.raw) })),
      histogram,
    };
  }
}

const WARNED = 5;
/** A namespace or group is named in a warning from this share of its bytes cold. */
export const COLD_SHARE = 0.25;

function percent(part: number, whole: number): string {
  return `${Math.round((100 * part) / whole)}%`;
}

/**
 * Plain-word warnings from the figures: namespaces and fragments whose bytes are mostly not read, and namespaces
 * whose entries never expire and sit idle over a day. The largest few of each.
 */
export function coldWarnings(figures: ColdFigures, basis: ColdBasis, groups: GroupRow[], about: string): AnalysisWarning[] {
  const words = coldWords(basis);
  const warnings: AnalysisWarning[] = [];
  const label = (name: string) => (name === "" ? "keys without a namespace" : `\`${name}\``);
  const mostly: { name: string; bytes: number; cold: KeysBytes }[] = [];
  for (const ns of figures.namespaces) {
    const cold = ns.neverRead ?? ns.idleOver1h ?? ns.idleOver24h;
    if (cold && ns.bytes > 0 && cold.keys > 0 && cold.bytes >= ns.bytes * COLD_SHARE) mostly.push({ name: ns.name, bytes: ns.bytes, cold });
  }
  for (const g of groups) {
    if (g.kind === "fragment" && g.cold && g.bytes > 0 && g.cold.keys > 0 && g.cold.bytes >= g.bytes * COLD_SHARE) {
      mostly.push({ name: `fragment:${g.name}`, bytes: g.bytes, cold: g.cold });
    }
  }
  for (const m of mostly.sort((a, b) => b.cold.bytes - a.cold.bytes).slice(0, WARNED)) {
    warnings.push({
      code: "never_read",
      message: `${percent(m.cold.bytes, m.bytes)} of ${label(m.name)} bytes ${words} (${about}${m.cold.keys} entries).`,
      keys: m.cold.keys,
      bytes: m.cold.bytes,
    });
  }
  const stale = figures.namespaces.filter((ns) => ns.staleNoExpiry && ns.staleNoExpiry.keys > 0);
  for (const ns of stale.sort((a, b) => (b.staleNoExpiry?.bytes ?? 0) - (a.staleNoExpiry?.bytes ?? 0)).slice(0, WARNED)) {
    const n = ns.staleNoExpiry as KeysBytes;
    warnings.push({
      code: "idle_no_expiry",
      message: `${label(ns.name)} entries never expire and are idle > 24 h (${about}${n.keys} entries): they stay until evicted or deleted.`,
      keys: n.keys,
      bytes: n.bytes,
    });
  }
  return warnings;
}

/** The figures where the backend cannot tell (or the analysis was a sample without access data): never-expiring only. */
export function noColdBasis(note: string): ColdBasis {
  return { basis: null, note, idle1h: false, idle24h: false };
}
