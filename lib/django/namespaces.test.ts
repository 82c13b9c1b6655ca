import { describe, expect, it } from "vitest";
import { NamespaceTree, namespaceParts } from "./namespaces";

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
});
