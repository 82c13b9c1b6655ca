import { describe, expect, it } from "vitest";
import { MAX_TREE_NODES, NamespaceTree, namespaceParts, type NamespaceNode } from "./namespaces";

function countNodes(n: NamespaceNode): number {
  return 1 + n.children.reduce((sum, c) => sum + countNodes(c), 0);
}

function otherKeys(n: NamespaceNode): number {
  return (n.otherKeys ?? 0) + n.children.reduce((sum, c) => sum + otherKeys(c), 0);
}

describe("namespaceParts", () => {
  it("splits on : and . keeping the separator", () => {
    expect(namespaceParts("app:users:42", 6)).toEqual(["app:", "users:"]);
    expect(namespaceParts("template.cache.sidebar.d41d8", 6)).toEqual(["template.", "cache.", "sidebar."]);
    expect(namespaceParts("plain", 6)).toEqual([]);
    expect(namespaceParts("a.b.c.d.e", 2)).toEqual(["a.", "b."]);
  });
});

describe("NamespaceTree", () => {
  it("counts keys and bytes per level", () => {
    const t = new NamespaceTree();
    t.add("app:users:1", 10);
    t.add("app:users:2", 20);
    t.add("app:orders:1", 5);
    t.add("solo", 1);
    const r = t.result();
    expect(r).toMatchObject({ keys: 4, bytes: 36 });
    expect(r.children).toHaveLength(1);
    const app = r.children[0];
    expect(app).toMatchObject({ name: "app", prefix: "app:", keys: 3, bytes: 35 });
    expect(app.children.map((c) => [c.prefix, c.keys, c.bytes])).toEqual([
      ["app:users:", 2, 30],
      ["app:orders:", 1, 5],
    ]);
  });
  it("folds children past the width limit into other", () => {
    const t = new NamespaceTree({ maxDepth: 3, maxChildren: 2 });
    for (const ns of ["a", "b", "c", "d"]) t.add(`${ns}:x`, 1);
    const r = t.result();
    expect(r.children.map((c) => c.name)).toEqual(["a", "b"]);
    expect(r.otherKeys).toBe(2);
    expect(r.keys).toBe(4);
  });

  it("stays within its node cap with a million distinct namespaces, and still counts every key", () => {
    const t = new NamespaceTree({ maxDepth: 6, maxChildren: 50 });
    // Ids inside the namespaces: every key opens new nodes at every level below the first.
    for (let i = 0; i < 1_000_000; i++) t.add(`app${i % 40}:user:${i}:cart:${i % 97}:item`, 2);
    expect(t.size).toBeLessThanOrEqual(MAX_TREE_NODES);
    const r = t.result();
    expect(countNodes(r)).toBe(t.size);
    expect(r).toMatchObject({ keys: 1_000_000, bytes: 2_000_000 });
    expect(r.children).toHaveLength(40);
    // Keys whose namespaces found no room are counted in an "other" on the way down, none lost.
    expect(otherKeys(r)).toBeGreaterThan(900_000);
  });

  it("takes a smaller cap, folding what does not fit into the parent's other", () => {
    const t = new NamespaceTree({ maxDepth: 3, maxChildren: 50, maxNodes: 4 });
    for (const ns of ["a", "b", "c", "d", "e"]) t.add(`${ns}:x:y:z`, 1);
    const r = t.result();
    expect(t.size).toBe(4);
    expect(countNodes(r)).toBe(4);
    expect(r.keys).toBe(5);
    expect(r.children.map((c) => c.name)).toEqual(["a"]);
    expect(r.children[0].children.map((c) => c.name)).toEqual(["x"]);
    expect(r.children[0].children[0].children.map((c) => c.name)).toEqual(["y"]);
    expect(r.otherKeys).toBe(4);
  });
});
