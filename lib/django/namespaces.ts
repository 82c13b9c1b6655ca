/** Django keys are built by joining parts with ":" and "." (app:users:42, views.decorators.cache.cache_page.…). */
const SEPARATOR = /[:.]/;

export interface NamespaceNode {
  /** This level's part, e.g. "users". */
  name: string;
  /** The key prefix that selects this node, separator included, e.g. "app:users:". */
  prefix: string;
  keys: number;
  bytes: number;
  children: NamespaceNode[];
  /** Keys that were folded into an "other" bucket because the node had too many children. */
  otherKeys?: number;
  otherBytes?: number;
}

export interface TreeLimits {
  maxDepth: number;
  maxChildren: number;
  /**
   * Nodes in the whole tree, at most: depth × width alone allows 50^6 nodes, and a keyspace of millions of distinct
   * names (ids inside namespaces: "user:42:cart:") would fill that. New namespaces past it go to their parent's "other".
   */
  maxNodes?: number;
}

/** The default node cap: a few MB however many distinct names a keyspace has. */
export const MAX_TREE_NODES = 10_000;

/** Splits a key into namespace levels, keeping each separator with the part before it. */
export function namespaceParts(key: string, maxDepth: number): string[] {
  const parts: string[] = [];
  let rest = key;
  while (parts.length < maxDepth) {
    const m = SEPARATOR.exec(rest);
    if (!m) break;
    parts.push(rest.slice(0, m.index + 1));
    rest = rest.slice(m.index + 1);
  }
  return parts;
}

interface Building {
  node: NamespaceNode;
  index: Map<string, Building>;
}

function newBuilding(name: string, prefix: string): Building {
  return { node: { name, prefix, keys: 0, bytes: 0, children: [] }, index: new Map() };
}

/**
 * An aggregating tree: add keys one by one, memory bounded by depth × width (extra children go to "other").
 * Used both for a page of keys in the browser and by the size analysis.
 */
export class NamespaceTree {
  private readonly root = newBuilding("", "");
  private nodes = 1;
  private readonly maxNodes: number;

  constructor(private readonly limits: TreeLimits = { maxDepth: 6, maxChildren: 50 }) {
    this.maxNodes = limits.maxNodes ?? MAX_TREE_NODES;
  }

  /** Nodes held, the root included. */
  get size(): number {
    return this.nodes;
  }

  /** Adds `count` keys that share this key's namespaces (the size analysis adds keys grouped by namespace), `bytes` in all. */
  add(key: string, bytes = 0, count = 1): void {
    let at = this.root;
    at.node.keys += count;
    at.node.bytes += bytes;
    let prefix = "";
    for (const part of namespaceParts(key, this.limits.maxDepth)) {
      prefix += part;
      let next = at.index.get(part);
      if (!next) {
        if (at.index.size >= this.limits.maxChildren || this.nodes >= this.maxNodes) {
          at.node.otherKeys = (at.node.otherKeys ?? 0) + count;
          at.node.otherBytes = (at.node.otherBytes ?? 0) + bytes;
          return;
        }
        next = newBuilding(part.slice(0, -1), prefix);
        this.nodes++;
        at.index.set(part, next);
        at.node.children.push(next.node);
      }
      next.node.keys += count;
      next.node.bytes += bytes;
      at = next;
    }
  }

  /** The tree, children sorted by bytes then keys, largest first. */
  result(): NamespaceNode {
    const sort = (n: NamespaceNode): NamespaceNode => ({
      ...n,
      children: n.children.map(sort).sort((a, b) => b.bytes - a.bytes || b.keys - a.keys || a.name.localeCompare(b.name)),
    });
    return sort(this.root.node);
  }
}
