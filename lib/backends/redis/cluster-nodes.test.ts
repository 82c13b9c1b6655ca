import { describe, expect, it } from "vitest";
import { clusterState, parseClusterNodes, servingPrimaries, slotCount, slotRangesText } from "./cluster-nodes";

const NODES = `77bd 127.0.0.1:6456@16456 slave 80c2 0 1796330987448 1 connected
c35c 127.0.0.1:6454@16454 slave,fail 5560 0 1796330987752 2 disconnected
80c2 127.0.0.1:6451@16451 myself,master - 0 1796330987000 1 connected 0-5460 [5461-<-5560]
b7ac 127.0.0.1:6455@16455,cache-5.internal slave cb88 0 1796330987751 3 connected
5560 127.0.0.1:6452@16452 master - 0 1796330987549 2 connected 5461-10922 [10->-cb88]
cb88 127.0.0.1:6453@16453 master - 0 1796330987549 3 connected 10923-16383
dead :0@0 master,noaddr - 0 0 4 disconnected
`;

describe("parseClusterNodes", () => {
  it("reads roles, slot ranges, replicas' primaries and failures, skipping migration markers and undialable nodes", () => {
    const nodes = parseClusterNodes(NODES);
    expect(nodes.map((n) => n.address)).toEqual([
      "127.0.0.1:6456",
      "127.0.0.1:6454",
      "127.0.0.1:6451",
      "127.0.0.1:6455",
      "127.0.0.1:6452",
      "127.0.0.1:6453",
    ]);
    const byPort = new Map(nodes.map((n) => [n.port, n]));
    expect(byPort.get(6451)).toMatchObject({ role: "primary", slots: [[0, 5460]], up: true, primaryId: null });
    expect(byPort.get(6452)?.slots).toEqual([[5461, 10922]]);
    expect(byPort.get(6454)).toMatchObject({ role: "replica", primaryId: "5560", up: false });
    expect(byPort.get(6455)?.host).toBe("127.0.0.1");
    expect(servingPrimaries(nodes).map((n) => n.port)).toEqual([6451, 6452, 6453]);
  });

  it("reads IPv6 addresses", () => {
    const [node] = parseClusterNodes("abc ::1:7000@17000 master - 0 0 1 connected 0-16383");
    expect(node).toMatchObject({ host: "::1", port: 7000, address: "[::1]:7000" });
  });
});

describe("slot helpers", () => {
  it("counts and prints ranges", () => {
    expect(
      slotCount([
        [0, 5460],
        [7, 7],
      ]),
    ).toBe(5462);
    expect(
      slotRangesText([
        [0, 5460],
        [7, 7],
      ]),
    ).toBe("0-5460, 7");
    expect(clusterState("# Cluster\r\ncluster_state:fail\r\ncluster_slots_assigned:16384\r\n")).toBe("fail");
  });
});
