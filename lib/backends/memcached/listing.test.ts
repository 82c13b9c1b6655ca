import { describe, expect, it } from "vitest";
import { SnapshotStore, decodeCursor, encodeCursor, newListingId } from "./listing";

describe("listing cursor", () => {
  it("round-trips", () => {
    const c = { id: newListingId(), server: 1, position: 4000 };
    expect(decodeCursor(encodeCursor(c), 2)).toEqual(c);
  });
  it("refuses cursors it did not make, or for another pool size", () => {
    const c = encodeCursor({ id: newListingId(), server: 2, position: 0 });
    expect(() => decodeCursor(c, 2)).toThrow("invalid cursor");
    expect(() => decodeCursor("not-a-cursor", 2)).toThrow(expect.objectContaining({ code: "invalid_cursor" }));
    const bad = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    expect(() => decodeCursor(bad([1, "short", 0, 0]), 2)).toThrow("invalid cursor");
    expect(() => decodeCursor(bad([1, newListingId(), 0, -1]), 2)).toThrow("invalid cursor");
    expect(() => decodeCursor(bad([1, newListingId(), 0.5, 0]), 2)).toThrow("invalid cursor");
  });
});

describe("SnapshotStore", () => {
  const snap = (n: number) => ({ rows: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, exp: -1, size: 1 })), clockOffset: 0 });
  it("forgets a snapshot idle for over two minutes", () => {
    const store = new SnapshotStore();
    store.set("a", snap(1), 0);
    expect(store.get("a", 60_000)).not.toBeNull();
    expect(store.get("a", 179_000)).not.toBeNull();
    expect(store.get("a", 300_000)).toBeNull();
  });
  it("drops the least recently used beyond 16 snapshots", () => {
    const store = new SnapshotStore();
    for (let i = 0; i < 17; i++) store.set(`s${i}`, snap(1), i);
    expect(store.get("s0", 20)).toBeNull();
    expect(store.get("s1", 20)).not.toBeNull();
  });
  it("bounds the rows kept over all snapshots", () => {
    const store = new SnapshotStore();
    for (let i = 0; i < 5; i++) store.set(`s${i}`, snap(100_000), i);
    expect(store.get("s0", 10)).toBeNull();
    expect(store.get("s4", 10)).not.toBeNull();
  });
});
