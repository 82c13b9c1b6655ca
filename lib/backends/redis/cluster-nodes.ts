/**
 * A Redis Cluster's topology as CLUSTER NODES tells it (every Redis since 3.0, and the managed look-alikes): who is a
 * primary, which slots it serves, which replicas follow it, and who the cluster believes failed.
 */

export const SLOTS = 16_384;

export interface ClusterNode {
  id: string;
  host: string;
  port: number;
  /** "host:port": how the node is named in rows, errors and stats. */
  address: string;
  role: "primary" | "replica";
  /** The primary a replica follows. */
  primaryId: string | null;
  /** Slot ranges it serves, [from, to] inclusive (primaries only). */
  slots: [number, number][];
  /** false when the cluster marks it failed (fail, or fail? as seen by the node asked) or its link is down. */
  up: boolean;
  /** CLUSTER NODES flags as given (myself, master, slave, fail?, fail, handshake, noaddr, nofailover). */
  flags: string[];
}

export interface ClusterTopology {
  nodes: ClusterNode[];
  /** The answering node's cluster_state (CLUSTER INFO): "ok" or "fail". */
  state: string;
}

/** One node per line: `<id> <ip:port@cport[,hostname]> <flags> <primary> <ping> <pong> <epoch> <link> <slot>...`. */
export function parseClusterNodes(text: string): ClusterNode[] {
  const nodes: ClusterNode[] = [];
  for (const line of text.split(/\r?\n/)) {
    const parts = line.trim().split(" ");
    if (parts.length < 8) continue;
    const [id, addr, flagText, primary, , , , link, ...slotParts] = parts;
    const flags = flagText.split(",");
    // A node still joining, or one whose address is unknown, cannot be dialled.
    if (flags.includes("handshake") || flags.includes("noaddr")) continue;
    const hostPort = addr.split("@")[0];
    const colon = hostPort.lastIndexOf(":");
    const host = hostPort.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
    const port = Number(hostPort.slice(colon + 1));
    if (colon <= 0 || !Number.isInteger(port) || port <= 0) continue;
    const slots: [number, number][] = [];
    // "[slot->-id]" and "[slot-<-id]" name slots being migrated: their owner is still the range that holds them.
    for (const s of slotParts) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(s);
      if (m) slots.push([Number(m[1]), Number(m[2] ?? m[1])]);
    }
    nodes.push({
      id,
      host,
      port,
      address: `${host.includes(":") ? `[${host}]` : host}:${port}`,
      role: flags.includes("master") ? "primary" : "replica",
      primaryId: primary === "-" ? null : primary,
      slots,
      up: !flags.includes("fail") && !flags.includes("fail?") && link === "connected",
      flags,
    });
  }
  return nodes;
}

/** The primaries that serve slots, in slot order: those a listing or purge walks. */
export function servingPrimaries(nodes: ClusterNode[]): ClusterNode[] {
  return nodes
    .filter((n) => n.role === "primary" && n.slots.length > 0)
    .sort((a, b) => a.slots[0][0] - b.slots[0][0] || a.address.localeCompare(b.address));
}

/** "0-5460, 10923" */
export function slotRangesText(slots: [number, number][]): string {
  return slots.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(", ");
}

/** Slots a node serves in all. */
export function slotCount(slots: [number, number][]): number {
  return slots.reduce((n, [a, b]) => n + b - a + 1, 0);
}

/** cluster_state from CLUSTER INFO text. */
export function clusterState(info: string): string {
  return /^cluster_state:(\w+)/m.exec(info)?.[1] ?? "unknown";
}
