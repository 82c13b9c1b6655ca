import type { PyValue } from "./pyvalue";
import type { DecodeLimits } from "./types";

/** Counts PyValue nodes and depth while a value is built, so a huge or deeply nested value is cut, not fatal. */
export class Budget {
  private nodes = 0;
  /** Set once anything was replaced by a {"type":"truncated"} node. */
  truncated = false;

  constructor(private readonly limits: Pick<DecodeLimits, "maxNodes" | "maxDepth">) {}

  /** Claims one node at this depth; false means: emit truncated() instead. */
  take(depth: number): boolean {
    if (depth > this.limits.maxDepth || this.nodes >= this.limits.maxNodes) return false;
    this.nodes++;
    return true;
  }

  cut(omitted: number): PyValue {
    this.truncated = true;
    return { type: "truncated", omitted };
  }
}
