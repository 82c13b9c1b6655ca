import { describe, expect, it } from "vitest";
import { bucketKey, bucketOf, bucketsBetween, isCounterKey, withoutCounterRows } from "./format";

describe("bucket naming", () => {
  it("cuts time into 10-second buckets and names their keys as the doc does", () => {
    expect(bucketOf(1_764_624_009.99)).toBe(1_764_624_000);
    expect(bucketOf(1_764_624_010)).toBe(1_764_624_010);
    expect(bucketKey("default", 1_764_624_000)).toBe("__cachescope__:1:default:1764624000");
  });

  it("computes the buckets of a range (no scanning), never more than the 3 hours they live", () => {
    expect(bucketsBetween(1005, 1031)).toEqual([1000, 1010, 1020, 1030]);
    expect(bucketsBetween(0, 100_000)).toHaveLength(1081);
    expect(bucketsBetween(0, 100_000)[0]).toBe(100_000 - 10_800);
  });

  it("hides the companion's raw keys and nothing else", () => {
    expect(isCounterKey("__cachescope__:1:default:1")).toBe(true);
    expect(isCounterKey(":1:__cachescope__:x")).toBe(false);
    expect(isCounterKey(null)).toBe(false);
    const rows = [{ raw: ":1:a" }, { raw: "__cachescope__:1:default:10" }, { raw: null, file: "0".repeat(32) }];
    expect(withoutCounterRows(rows).map((r) => r.raw)).toEqual([":1:a", null]);
    const clean = [{ raw: ":1:a" }];
    expect(withoutCounterRows(clean)).toBe(clean);
  });
});
