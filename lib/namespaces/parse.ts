import {
  BUCKET_SECONDS,
  FORMAT_VERSION,
  MAX_LINE_BYTES,
  MAX_NAME_CHARS,
  MAX_NAMESPACES_PER_BUCKET,
  MAX_RECORDS_PER_BUCKET,
  OVERFLOW_NAMESPACE,
} from "./format";
import { TIMING_VERSION, addTiming, cloneTiming, timingOf, type Timing } from "./timing";

/**
 * One bucket's bytes (the records every process flushed into it) → per-namespace counters. Pure, never throws: what
 * a reader cannot use is skipped and counted by reason, so the page can say "3 records skipped: other version".
 */

export const NAMESPACE_KINDS = ["view", "page", "fragment", "session", "key", "other"] as const;
export type NamespaceKind = (typeof NAMESPACE_KINDS)[number];

export interface Counts {
  hits: number;
  misses: number;
  sets: number;
  adds: number;
  deletes: number;
  incrs: number;
  touches: number;
}

export interface NamespaceCounts extends Counts {
  kind: NamespaceKind;
  /** Present once a record of the timing extension (docs/COUNTERS_FORMAT.md, "Timing") counted this namespace. */
  timing?: Timing;
}

export const SKIP_REASONS = [
  "notJson",
  "otherVersion",
  "otherTimingVersion",
  "badTiming",
  "truncated",
  "tooLong",
  "badRecord",
  "otherAlias",
  "badNamespace",
  "nameCut",
  "namespacesOverCap",
  "linesOverCap",
  "bucketCut",
  "unreadable",
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
/** How many of each were skipped (or cut); reasons with none are absent. */
export type Skipped = Partial<Record<SkipReason, number>>;

export interface ParsedBucket {
  bucket: number;
  /** Records accepted. */
  records: number;
  /** The newest accepted record's flush time, ms since the epoch (clamped into the bucket); null = none. */
  lastFlushAt: number | null;
  namespaces: Map<string, NamespaceCounts>;
  skipped: Skipped;
}

/** Record field → counter. */
const FIELDS: [string, keyof Counts][] = [
  ["h", "hits"],
  ["m", "misses"],
  ["s", "sets"],
  ["a", "adds"],
  ["d", "deletes"],
  ["i", "incrs"],
  ["t", "touches"],
];

export function zeroCounts(): Counts {
  return { hits: 0, misses: 0, sets: 0, adds: 0, deletes: 0, incrs: 0, touches: 0 };
}

export function addCounts(into: Counts, from: Counts): void {
  into.hits += from.hits;
  into.misses += from.misses;
  into.sets += from.sets;
  into.adds += from.adds;
  into.deletes += from.deletes;
  into.incrs += from.incrs;
  into.touches += from.touches;
}

export function skip(skipped: Skipped, reason: SkipReason, n = 1): void {
  if (n > 0) skipped[reason] = (skipped[reason] ?? 0) + n;
}

export function mergeSkipped(into: Skipped, from: Skipped): void {
  for (const reason of SKIP_REASONS) skip(into, reason, from[reason] ?? 0);
}

const KINDS = new Set<string>(NAMESPACE_KINDS);
const utf8 = new TextDecoder("utf-8", { fatal: true });

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A namespace's counters as a record gives them, or null when any is not a non-negative integer or the kind is unknown. */
function countsOf(value: unknown): (NamespaceCounts & { entry: Record<string, unknown> }) | null {
  if (!isPlainObject(value)) return null;
  const kind = value.k;
  if (typeof kind !== "string" || !KINDS.has(kind)) return null;
  const counts: NamespaceCounts & { entry: Record<string, unknown> } = { kind: kind as NamespaceKind, ...zeroCounts(), entry: value };
  for (const [field, name] of FIELDS) {
    const n = value[field];
    if (n === undefined) continue;
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return null;
    counts[name] = n;
  }
  return counts;
}

/** Names past MAX_NAME_CHARS are cut there (not splitting a surrogate pair). */
function cutName(name: string): string {
  let cut = name.slice(0, MAX_NAME_CHARS);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/**
 * Adds one namespace's counts to the map, folding it into "(other)" once the map holds its cap of names. Returns the
 * name the counts went to.
 */
export function mergeNamespace(
  into: Map<string, NamespaceCounts>,
  name: string,
  counts: NamespaceCounts,
  cap: number,
  skipped: Skipped,
): string {
  let key = name;
  let held = into.get(key);
  if (!held && into.size >= cap && key !== OVERFLOW_NAMESPACE) {
    skip(skipped, "namespacesOverCap");
    key = OVERFLOW_NAMESPACE;
    held = into.get(key);
    if (!held) {
      held = { ...zeroCounts(), kind: "other" };
      into.set(key, held);
    }
  }
  if (!held) {
    into.set(key, counts.timing ? { ...counts, timing: cloneTiming(counts.timing) } : { ...counts });
    return key;
  }
  // A name keeps the kind it was first seen with: two writers disagreeing cannot make it flicker.
  addCounts(held, counts);
  if (counts.timing) {
    if (held.timing) addTiming(held.timing, counts.timing);
    else held.timing = cloneTiming(counts.timing);
  }
  return key;
}

export interface ParseOptions {
  /** The alias the bucket belongs to: records naming another are skipped. */
  alias: string;
  bucket: number;
  /** The read stopped at MAX_BUCKET_BYTES: the bucket holds more than these bytes. */
  cut?: boolean;
}

export function parseBucket(bytes: Uint8Array, opts: ParseOptions): ParsedBucket {
  const out: ParsedBucket = { bucket: opts.bucket, records: 0, lastFlushAt: null, namespaces: new Map(), skipped: {} };
  // Readers stop at MAX_BUCKET_BYTES per store; the work here is linear in the bytes given, whatever they hold.
  const data = bytes;
  if (opts.cut === true) skip(out.skipped, "bucketCut");
  let lines = 0;
  let start = 0;
  while (start < data.length) {
    const nl = data.indexOf(0x0a, start);
    const end = nl === -1 ? data.length : nl;
    const length = end - start;
    const from = start;
    start = end + 1;
    if (length === 0 || (length === 1 && data[from] === 0x0d)) continue;
    if (++lines > MAX_RECORDS_PER_BUCKET) {
      skip(out.skipped, "linesOverCap");
      continue;
    }
    if (length > MAX_LINE_BYTES) {
      skip(out.skipped, "tooLong");
      continue;
    }
    // Every record ends in "\n": a last line without one was cut short (a partial read, a writer killed mid-write).
    if (nl === -1) {
      skip(out.skipped, "truncated");
      continue;
    }
    acceptLine(data.subarray(from, end), opts, out);
  }
  return out;
}

function acceptLine(line: Uint8Array, opts: ParseOptions, out: ParsedBucket): void {
  let record: unknown;
  try {
    record = JSON.parse(utf8.decode(line));
  } catch {
    skip(out.skipped, "notJson");
    return;
  }
  if (!isPlainObject(record) || record.v === undefined) {
    skip(out.skipped, "badRecord");
    return;
  }
  if (record.v !== FORMAT_VERSION) {
    skip(out.skipped, "otherVersion");
    return;
  }
  if (typeof record.alias !== "string" || !isPlainObject(record.ns)) {
    skip(out.skipped, "badRecord");
    return;
  }
  if (record.alias !== opts.alias) {
    skip(out.skipped, "otherAlias");
    return;
  }
  out.records++;
  const at = record.at;
  if (typeof at === "number" && Number.isFinite(at)) {
    // `at` is diagnostics from an untrusted writer: kept inside the bucket it was filed in.
    const clamped = Math.min(Math.max(at, opts.bucket), opts.bucket + BUCKET_SECONDS) * 1000;
    out.lastFlushAt = Math.max(out.lastFlushAt ?? 0, clamped);
  }
  // Timing is an extension with its own version: absent (an older companion) is no timing; another version is skipped.
  const timed = record.tv === TIMING_VERSION;
  if (record.tv !== undefined && !timed) skip(out.skipped, "otherTimingVersion");
  for (const [rawName, value] of Object.entries(record.ns)) {
    const parsed = countsOf(value);
    // "" is a name (a key starting with a separator): only the counters decide.
    if (parsed === null) {
      skip(out.skipped, "badNamespace");
      continue;
    }
    const { entry, ...counts } = parsed;
    if (timed) {
      const timing = timingOf(entry, counts.hits);
      if (timing) counts.timing = timing;
      else skip(out.skipped, "badTiming");
    }
    let name = rawName;
    if (name.length > MAX_NAME_CHARS) {
      name = cutName(name);
      skip(out.skipped, "nameCut");
    }
    mergeNamespace(out.namespaces, name, counts, MAX_NAMESPACES_PER_BUCKET, out.skipped);
  }
}
