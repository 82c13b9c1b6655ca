import { describe, expect, it } from "vitest";
import { Ring } from "./ring";

describe("Ring", () => {
  it("keeps items in order until full", () => {
    const r = new Ring<number>(3);
    expect(r.size).toBe(0);
    expect(r.last()).toBeUndefined();
    r.push(1);
    r.push(2);
    expect(r.toArray()).toEqual([1, 2]);
    expect(r.last()).toBe(2);
  });

  it("drops the oldest past capacity, many times round", () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 10; i++) r.push(i);
    expect(r.size).toBe(3);
    expect(r.toArray()).toEqual([8, 9, 10]);
    expect(r.at(0)).toBe(8);
    expect(r.at(3)).toBeUndefined();
    expect(r.at(-1)).toBeUndefined();
  });

  it("tail returns the newest run that matches, oldest first, across the wrap", () => {
    const r = new Ring<number>(4);
    for (let i = 1; i <= 6; i++) r.push(i * 10);
    expect(r.toArray()).toEqual([30, 40, 50, 60]);
    expect(r.tail((x) => x > 35)).toEqual([40, 50, 60]);
    expect(r.tail(() => true)).toEqual([30, 40, 50, 60]);
    expect(r.tail(() => false)).toEqual([]);
  });

  it("refuses a capacity that is not a positive integer", () => {
    expect(() => new Ring(0)).toThrow(RangeError);
    expect(() => new Ring(1.5)).toThrow(RangeError);
  });
});
