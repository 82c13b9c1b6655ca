import { describe, expect, it } from "vitest";
import { primaryCandidates, type SentinelView } from "./sentinel";

const at = (port: number) => ({ host: "127.0.0.1", port });

describe("primaryCandidates", () => {
  it("a sentinel that has not heard of the failover is outvoted by the newer config epoch, whatever the order asked", () => {
    const views: SentinelView[] = [
      { sentinel: "s1", address: at(6471), epoch: 3 },
      { sentinel: "s2", address: at(6472), epoch: 4 },
    ];
    expect(primaryCandidates(views)).toEqual([at(6472), at(6471)]);
    expect(primaryCandidates([...views].reverse())).toEqual([at(6472), at(6471)]);
  });

  it("at one epoch, the address more sentinels name comes first", () => {
    const views: SentinelView[] = [
      { sentinel: "s1", address: at(6471), epoch: 2 },
      { sentinel: "s2", address: at(6472), epoch: 2 },
      { sentinel: "s3", address: at(6472), epoch: 2 },
    ];
    expect(primaryCandidates(views)).toEqual([at(6472), at(6471)]);
  });

  it("sentinels that did not answer or do not know the service name nothing", () => {
    const views: SentinelView[] = [
      { sentinel: "s1", address: null, epoch: -1, error: "connection refused" },
      { sentinel: "s2", address: null, epoch: -1 },
      { sentinel: "s3", address: at(6472), epoch: -1 },
    ];
    expect(primaryCandidates(views)).toEqual([at(6472)]);
    expect(primaryCandidates(views.slice(0, 2))).toEqual([]);
  });
});
