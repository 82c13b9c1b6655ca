import { FRAGMENT_KEY_START } from "@/lib/django/fragment-keys";
import type { DjangoKind } from "@/lib/django/keys";
import type { GroupRow } from "./types";

/**
 * Groups of related keys found while scanning, with bounded state:
 * - template fragments by fragment name (every vary_on variant of `{% cache … name … %}` together);
 * - series: keys that differ only by a trailing number ("fragment1".."fragment3", "report:chunk:0".."report:chunk:n"),
 *   found by keying each candidate on its text with the trailing digits replaced by "#".
 */

const EXAMPLES = 3;
/** md5 hex of the vary_on values, after the name and a dot. */
const FRAGMENT_TAIL = /\.[0-9a-f]{32}$/;

interface Group {
  kind: GroupRow["kind"];
  name: string;
  prefix: string;
  keys: number;
  bytes: number;
  coldKeys: number;
  coldBytes: number;
  examples: string[];
}

/** The fragment name of a template-fragment key ("template.cache.sidebar.<md5>" → "sidebar"); null if not one. */
export function fragmentName(key: string): string | null {
  if (!key.startsWith(FRAGMENT_KEY_START) || !FRAGMENT_TAIL.test(key)) return null;
  const name = key.slice(FRAGMENT_KEY_START.length, -33);
  return name === "" ? null : name;
}

/** A key's series pattern and the prefix its members share ("report:chunk:12" → "report:chunk:#", "report:chunk:"). */
export function seriesOf(key: string): { name: string; prefix: string } | null {
  const start = trailingDigits(key);
  if (start < 1 || start === key.length) return null;
  const prefix = key.slice(0, start);
  return { name: `${prefix}#`, prefix };
}

/** Where the run of digits ending the key starts (key.length when it ends otherwise): a char loop, no regex per key. */
function trailingDigits(key: string): number {
  let i = key.length;
  while (i > 0) {
    const c = key.charCodeAt(i - 1);
    if (c < 48 || c > 57) break;
    i--;
  }
  return i;
}

/**
 * At most `maxGroups` groups are tracked. When the table is full, groups seen once so far are dropped (most
 * candidates are lone keys that merely end in a digit); a group dropped and met again restarts its count, which
 * `incomplete` reports.
 */
export class GroupFinder {
  /** By kind, then fragment name or series prefix: no composite key string built per row. */
  private readonly groups = { fragment: new Map<string, Group>(), series: new Map<string, Group>() };
  private dropped = false;

  constructor(private readonly maxGroups = 20_000) {}

  /** `cold`: the entry is cold by the analysis's basis (cold.ts). */
  add(key: string, kind: DjangoKind, bytes: number, cold = false): void {
    if (kind === "fragment") {
      const name = fragmentName(key);
      if (name !== null) this.count("fragment", name, key, bytes, cold);
      return;
    }
    // Pages, headers and sessions end in hashes or random ids: any trailing digits there are noise, not a series.
    if (kind !== "key") return;
    const start = trailingDigits(key);
    if (start < 1 || start === key.length) return;
    // Looked up by the prefix (a slice): the "#" name is built only for a new group.
    this.count("series", key.slice(0, start), key, bytes, cold);
  }

  /** `id`: the fragment name, or the series prefix. */
  private count(kind: Group["kind"], id: string, key: string, bytes: number, cold: boolean): void {
    const table = this.groups[kind];
    let g = table.get(id);
    if (!g) {
      if (this.size() >= this.maxGroups && !this.makeRoom()) {
        this.dropped = true;
        return;
      }
      g =
        kind === "fragment"
          ? { kind, name: id, prefix: `${FRAGMENT_KEY_START}${id}.`, keys: 0, bytes: 0, coldKeys: 0, coldBytes: 0, examples: [] }
          : { kind, name: `${id}#`, prefix: id, keys: 0, bytes: 0, coldKeys: 0, coldBytes: 0, examples: [] };
      table.set(id, g);
    }
    g.keys += 1;
    g.bytes += bytes;
    if (cold) {
      g.coldKeys += 1;
      g.coldBytes += bytes;
    }
    if (g.examples.length < EXAMPLES) g.examples.push(key);
  }

  private size(): number {
    return this.groups.fragment.size + this.groups.series.size;
  }

  private makeRoom(): boolean {
    for (const table of [this.groups.fragment, this.groups.series]) {
      for (const [id, g] of table) {
        if (g.keys === 1) table.delete(id);
      }
    }
    this.dropped = true;
    // Keep a quarter free so a table full of real groups is not swept on every new key.
    return this.size() < this.maxGroups * 0.75;
  }

  /** True when some keys could not be counted in their group (the table was full). */
  get incomplete(): boolean {
    return this.dropped;
  }

  /** Every fragment and the series of two keys or more, largest first; counts and bytes multiplied by `scale` (sampled analyses). */
  result(limit: number, scale = 1, withCold = false): GroupRow[] {
    return [...this.groups.fragment.values(), ...this.groups.series.values()]
      .filter((g) => g.kind === "fragment" || g.keys >= 2)
      .sort((a, b) => b.bytes - a.bytes || b.keys - a.keys || a.name.localeCompare(b.name))
      .slice(0, limit)
      .map((g) => ({
        kind: g.kind,
        name: g.name,
        prefix: g.prefix,
        keys: Math.round(g.keys * scale),
        bytes: Math.round(g.bytes * scale),
        examples: g.examples,
        ...(withCold ? { cold: { keys: Math.round(g.coldKeys * scale), bytes: Math.round(g.coldBytes * scale) } } : {}),
      }));
  }
}
