import { Cluster } from "ioredis";
import { Secret } from "@/lib/config/secrets";
import { redactText } from "@/lib/config/secrets";
import type { Connection } from "@/lib/config/secrets";
import type { CacheConfig } from "@/lib/config/types";
import { BackendError, messageOf } from "../errors";
import { poolStatus, type ServerStatus } from "../pool";
import { downServerStats } from "../server-stats";
import type {
  BackendStatus,
  CacheBackend,
  Capabilities,
  EntryRef,
  HealthReport,
  IterateOptions,
  KeyPage,
  KeyRow,
  KeySample,
  ListOptions,
  RawEntry,
  SampleOptions,
  ServerStats,
  StatsSnapshot,
} from "../types";
import {
  SLOTS,
  type ClusterNode,
  type ClusterTopology,
  clusterState,
  parseClusterNodes,
  servingPrimaries,
  slotCount,
  slotRangesText,
} from "./cluster-nodes";
import { slotOf } from "./cluster-slot";
import { RedisConnection } from "./connection";
import { toBackendError } from "./errors";
import { redisDecodeHint } from "./hint";
import type { ClusterNodeExtra, RedisExtra } from "./info";
import { parseRedisLocation, type RedisTarget } from "./location";
import { createRedisNode } from "./node";
import { readRedisEntry } from "./read-entry";

/**
 * Redis Cluster (self-hosted, ElastiCache/MemoryDB cluster mode, Valkey): keys spread over primaries by hash slot.
 *
 * Two kinds of work, two tools:
 * - Walks (listing, purges, analyses, samples, stats) are per node: each serving primary is a plain Redis node
 *   (node.ts, reached at the address CLUSTER NODES gives, with the LOCATION's password and TLS), walked with its own SCAN
 *   cursor, all primaries at once. A node that fails is named while the others carry on.
 * - Keyed commands (open, delete) go through ioredis's Cluster client: it keeps the slot map, routes each key to its
 *   slot's primary and follows MOVED (a slot that moved) and ASK (a slot being migrated, the key already gone) during
 *   a reshard, which a per-node connection cannot do. Deletes are grouped by slot: a multi-key UNLINK must stay in one
 *   slot (CROSSSLOT otherwise).
 *
 * A primary that fails mid-walk: the walk waits for the cluster to promote a replica, then walks the new primary from
 * the start, skipping keys it already handed over (a purge finds what is left; counts stay exact). When no primary
 * takes over in time, the walk fails, having reported exactly what was done.
 */

const CAPABILITIES: Capabilities = { listKeys: true, invalidatePrefix: true, serverStats: true, ttl: true, sizes: true };

/** The topology is asked again after this long, or at once after a failure. */
const TOPOLOGY_TTL_MS = 2_000;
/** How long a walk or a delete waits for a replica to be promoted after its primary failed (cluster-node-timeout + election). */
export const FAILOVER_WAIT_MS = 20_000;
const FAILOVER_POLL_MS = 250;
const READ_FAILOVER_WAIT_MS = 5_000;
/** Keys per UNLINK call: bounds each command's work on the server. */
const DELETE_BATCH = 500;
const MAX_READ_BYTES = 512 * 1024 * 1024;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Batch {
  slot: number;
  keys: string[];
}

interface NodeHandle {
  label: string;
  /** Control commands (CLUSTER NODES/INFO, DBSIZE, PING). */
  conn: RedisConnection;
  /** The node's own keyspace: SCAN listing, sized walks, samples, INFO stats (node.ts). */
  backend: CacheBackend;
}

/** Errors after which a primary may have failed over: the walk or delete waits for the cluster to settle. */
function isFailoverError(err: unknown): boolean {
  if (err instanceof BackendError)
    return err.code === "unreachable" || err.code === "timeout" || /CLUSTERDOWN|READONLY|MOVED/.test(err.message);
  return /CLUSTERDOWN|READONLY|MOVED|Connection is closed|ECONNREFUSED|ECONNRESET|All keys in the pipeline|refresh slots/i.test(
    messageOf(err),
  );
}

/** Composite cursor of a cluster listing: the primaries still to walk, each with its own SCAN cursor ("0" = start). */
type ClusterCursor = [address: string, inner: string][];

function encodeCursor(state: ClusterCursor): string {
  return `cl.${Buffer.from(JSON.stringify(state)).toString("base64url")}`;
}

function decodeCursor(cursor: string): ClusterCursor {
  const bad = () => new BackendError("invalid_cursor", "cursor: not one this listing gave out");
  if (!cursor.startsWith("cl.")) throw bad();
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor.slice(3), "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  const valid =
    Array.isArray(state) &&
    state.every(
      (e) => Array.isArray(e) && e.length === 2 && typeof e[0] === "string" && typeof e[1] === "string" && /^\d{1,20}$/.test(e[1]),
    );
  if (!valid) throw bad();
  return state as ClusterCursor;
}

/** Async iterables merged as their batches come: every primary's walk runs at once. */
async function* merged<T>(sources: AsyncIterable<T>[]): AsyncIterable<T> {
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map<number, Promise<{ i: number; r: IteratorResult<T> }>>();
  const pull = (i: number) =>
    pending.set(
      i,
      iterators[i].next().then((r) => ({ i, r })),
    );
  iterators.forEach((_, i) => pull(i));
  try {
    while (pending.size > 0) {
      const { i, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(i);
        continue;
      }
      pull(i);
      yield r.value;
    }
  } finally {
    for (const p of pending.values()) p.catch(() => undefined);
    await Promise.allSettled([...pending.keys()].map((i) => iterators[i].return?.()));
  }
}

export class RedisClusterBackend implements CacheBackend {
  readonly capabilities = CAPABILITIES;
  private readonly handles = new Map<string, NodeHandle>();
  private readonly seeds: { host: string; port: number }[];
  private readonly template: { url: string; target: RedisTarget };
  private readonly hint;
  private topo: { value: ClusterTopology; at: number } | null = null;
  private discovering: Promise<ClusterTopology> | null = null;
  private cluster: Cluster | null = null;
  private opening: Promise<Cluster> | null = null;
  private owners: { topo: ClusterTopology; bySlot: (ClusterNode | null)[] } | null = null;
  private closed = false;

  constructor(
    readonly config: CacheConfig,
    private readonly real: Connection,
  ) {
    this.hint = redisDecodeHint(config);
    const targets = real.locations.map((l) => ({ url: l, target: parseRedisLocation(l, real.options) }));
    this.seeds = targets.flatMap(({ target: t }) => (t.host !== undefined && t.port !== undefined ? [{ host: t.host, port: t.port }] : []));
    this.template = targets[0];
  }

  /** A node's handle: its LOCATION is the first seed's with the node's address (same password, TLS, timeouts, db 0). */
  private handle(host: string, port: number): NodeHandle {
    const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
    const known = this.handles.get(address);
    if (known) return known;
    const url = new URL(this.template.url);
    url.hostname = host.includes(":") ? `[${host}]` : host;
    url.port = String(port);
    url.pathname = "/0";
    url.searchParams.delete("db");
    const location = url.toString();
    const nodeConfig: CacheConfig = {
      ...this.config,
      locations: [redactText(location)],
      connection: new Secret({ locations: [location], options: this.real.options }),
    };
    const target = parseRedisLocation(location, this.real.options);
    const made = { label: target.label, conn: new RedisConnection(target), backend: createRedisNode(nodeConfig) };
    this.handles.set(address, made);
    return made;
  }

  private handleOf(node: ClusterNode): NodeHandle {
    return this.handle(node.host, node.port);
  }

  /** The topology, from the first node (known ones first, then the LOCATION seeds) that answers CLUSTER NODES. */
  async topology(maxAgeMs = TOPOLOGY_TTL_MS): Promise<ClusterTopology> {
    if (this.topo && Date.now() - this.topo.at < maxAgeMs) return this.topo.value;
    this.discovering ??= this.discover().finally(() => {
      this.discovering = null;
    });
    return this.discovering;
  }

  private async discover(): Promise<ClusterTopology> {
    const known =
      this.topo?.value.nodes.filter((n) => n.up).sort((a, b) => Number(a.role === "replica") - Number(b.role === "replica")) ?? [];
    const candidates = [...known.map((n) => this.handleOf(n)), ...this.seeds.map((s) => this.handle(s.host, s.port))];
    const errors: string[] = [];
    for (const h of new Set(candidates)) {
      try {
        const [nodes, info] = await h.conn.run((c) => Promise.all([c.call("CLUSTER", "NODES"), c.call("CLUSTER", "INFO")]));
        const value = { nodes: parseClusterNodes(String(nodes)), state: clusterState(String(info)) };
        if (value.nodes.length === 0) throw new Error("CLUSTER NODES named no node");
        this.topo = { value, at: Date.now() };
        return value;
      } catch (err) {
        errors.push(toBackendError(err, h.label).message);
      }
    }
    const all = errors.every((e) => / unreachable/.test(e));
    throw new BackendError(
      all ? "unreachable" : "server",
      `Redis Cluster: no node answered CLUSTER NODES: ${errors.join("; ")}`,
      this.template.target.label,
    );
  }

  private async primaries(): Promise<ClusterNode[]> {
    return servingPrimaries((await this.topology()).nodes);
  }

  /**
   * Waits until a primary that answers serves `slot` (a replica promoted after its primary failed), and returns it;
   * throws when none does within FAILOVER_WAIT_MS.
   */
  private async awaitPrimaryFor(slot: number, failed: string, signal?: AbortSignal, waitMs = FAILOVER_WAIT_MS): Promise<ClusterNode> {
    const deadline = Date.now() + waitMs;
    let last = "";
    while (Date.now() < deadline) {
      signal?.throwIfAborted();
      try {
        const topo = await this.topology(0);
        const owner = servingPrimaries(topo.nodes).find((n) => n.up && n.slots.some(([a, b]) => slot >= a && slot <= b));
        if (owner && topo.state === "ok") {
          await this.handleOf(owner).conn.run((c) => c.ping());
          return owner;
        }
        last = owner ? `cluster_state:${topo.state}` : `no primary serves slot ${slot}`;
      } catch (err) {
        last = messageOf(err);
      }
      await sleep(FAILOVER_POLL_MS);
    }
    throw new BackendError(
      "unreachable",
      `Redis Cluster: ${failed} failed and no replica took over its slots within ${waitMs / 1000} s (${last})`,
      failed,
    );
  }

  /** ioredis's cluster client, opened on first use with the console's fail-fast settings. */
  private clusterClient(): Promise<Cluster> {
    if (this.closed) return Promise.reject(new BackendError("unreachable", "the backend is closed", this.template.target.label));
    if (this.cluster && (this.cluster.status === "end" || this.cluster.status === "close")) {
      this.cluster.disconnect();
      this.cluster = null;
    }
    if (this.cluster) return Promise.resolve(this.cluster);
    // One client however many calls ask at once.
    this.opening ??= this.openCluster().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async openCluster(): Promise<Cluster> {
    const t = this.template.target;
    const topo = await this.topology();
    const startup = servingPrimaries(topo.nodes).map((n) => ({ host: n.host, port: n.port }));
    const cluster = new Cluster(startup.length > 0 ? startup : this.seeds, {
      redisOptions: {
        ...(t.username ? { username: t.username } : {}),
        ...(t.password ? { password: t.password } : {}),
        ...(t.tls ? { tls: { rejectUnauthorized: t.rejectUnauthorized } } : {}),
        protocol: 2,
        connectTimeout: t.connectTimeoutMs,
        commandTimeout: t.commandTimeoutMs,
        enableReadyCheck: false,
        disableClientInfo: true,
        connectionName: "cachescope",
      },
      lazyConnect: true,
      // A cluster in cluster_state:fail still serves the slots it has: read what can be read.
      enableReadyCheck: false,
      scaleReads: "master",
      // One round over the startup nodes, then the error: the console never hangs on a dead cluster.
      clusterRetryStrategy: () => null,
      slotsRefreshTimeout: t.connectTimeoutMs,
      // No auto-pipelining: a pipeline is redirected only when all its commands get the same MOVED/ASK, and during a
      // migration the keys of one slot answer differently. Commands issued together still share the socket.
    });
    cluster.on("error", () => undefined);
    try {
      await cluster.connect();
    } catch (err) {
      cluster.disconnect();
      throw this.clusterError(err);
    }
    this.cluster = cluster;
    return cluster;
  }

  private clusterError(err: unknown, server = this.template.target.label): BackendError {
    if (err instanceof BackendError) return err;
    const message = messageOf(err);
    if (/startup nodes|refresh slots|Connection is closed|CLUSTERDOWN|ClusterAllFailed/i.test(message)) {
      return new BackendError("unreachable", `Redis Cluster ${server} unreachable: ${message}`, server);
    }
    return toBackendError(err, server);
  }

  /** Runs fn on the cluster client; a failure that looks like a failover waits for the new primary of `slot` once. */
  private async keyed<T>(slot: number, fn: (c: Cluster) => Promise<T>, waitMs = FAILOVER_WAIT_MS): Promise<T> {
    try {
      return await fn(await this.clusterClient());
    } catch (err) {
      if (!isFailoverError(this.clusterError(err))) throw this.clusterError(err);
      const owner = await this.awaitPrimaryFor(slot, this.ownerLabel(slot), undefined, waitMs);
      try {
        const c = await this.clusterClient();
        await c.refreshSlotsCache();
        return await fn(c);
      } catch (again) {
        throw this.clusterError(again, this.handleOf(owner).label);
      }
    }
  }

  /** The label of the primary serving `slot` as last known. */
  private ownerLabel(slot: number): string {
    const owner = this.topo?.value.nodes.find((n) => n.role === "primary" && n.slots.some(([a, b]) => slot >= a && slot <= b));
    return owner ? this.handleOf(owner).label : `slot ${slot}`;
  }

  async status(): Promise<BackendStatus> {
    let topo: ClusterTopology;
    try {
      topo = await this.topology(0);
    } catch (err) {
      const error = toBackendError(err, this.template.target.label).message;
      return { ok: false, error, servers: [{ server: this.template.target.label, ok: false, error }] };
    }
    const servers: ServerStatus[] = await Promise.all(
      topo.nodes.map(async (n): Promise<ServerStatus> => {
        const h = this.handleOf(n);
        const started = performance.now();
        try {
          await h.conn.run((c) => c.ping());
          const latencyMs = Math.round((performance.now() - started) * 100) / 100;
          return { server: h.label, ok: true, latencyMs };
        } catch (err) {
          return { server: h.label, ok: false, error: toBackendError(err, h.label).message };
        }
      }),
    );
    const status = poolStatus(servers);
    if (topo.state === "ok") return status;
    // The home page says it, while pages still read what the serving nodes hold.
    const said = `Redis Cluster cluster_state:${topo.state}: some slots are not served`;
    return { ...status, ok: false, error: status.error ? `${said}; ${status.error}` : said };
  }

  async listKeys(opts: ListOptions): Promise<KeyPage> {
    const primaries = await this.primaries();
    const byAddress = new Map(primaries.map((n) => [n.address, n]));
    const state: ClusterCursor = opts.cursor === null ? primaries.map((n) => [n.address, "0"]) : decodeCursor(opts.cursor);
    const errors: { server: string; error: string }[] = [];
    const walking = state.flatMap(([address, inner]) => {
      const node = byAddress.get(address);
      if (node) return [{ node, inner }];
      // Its cursor means nothing on another node: a failover or a reshard moved its slots while this listing went on.
      errors.push({
        server: address,
        error: `${address} no longer serves slots (failover or reshard): list again from the start to see its keys`,
      });
      return [];
    });
    if (walking.length === 0 && opts.cursor !== null && errors.length === 0)
      throw new BackendError("invalid_cursor", "cursor: not one this listing gave out");
    const share = Math.max(1, Math.ceil(opts.count / Math.max(1, walking.length)));
    const pages = await Promise.all(
      walking.map(async ({ node, inner }) => {
        const h = this.handleOf(node);
        try {
          return { node, page: await h.backend.listKeys({ ...opts, count: share, cursor: inner === "0" ? null : inner }) };
        } catch (err) {
          return { node, error: toBackendError(err, h.label).message };
        }
      }),
    );
    const keys: KeyRow[] = [];
    let scanned = 0;
    const next: ClusterCursor = [];
    let answered = 0;
    for (const p of pages) {
      if ("error" in p) {
        errors.push({ server: this.handleOf(p.node).label, error: p.error ?? "no answer" });
        continue;
      }
      answered++;
      if (p.page.keys) keys.push(...p.page.keys);
      scanned += p.page.scanned;
      if (p.page.cursor !== null) next.push([p.node.address, p.page.cursor]);
    }
    if (answered === 0 && walking.length > 0) {
      throw new BackendError("unreachable", `Redis Cluster: no primary could be listed: ${errors.map((e) => e.error).join("; ")}`);
    }
    // A node that failed keeps its place only while others still list: the listing ends with them, the node named.
    for (const p of pages)
      if ("error" in p && next.length > 0) next.push([p.node.address, walking.find((w) => w.node === p.node)?.inner ?? "0"]);
    return { keys, cursor: next.length > 0 ? encodeCursor(next) : null, scanned, ...(errors.length > 0 ? { errors } : {}) };
  }

  async readEntry(ref: EntryRef, maxBytes: number): Promise<RawEntry | null> {
    if (!("raw" in ref)) return null;
    if (!Number.isFinite(maxBytes)) throw new RangeError("maxBytes must be a number");
    const limit = Math.min(MAX_READ_BYTES, Math.max(1, Math.floor(maxBytes)));
    const slot = slotOf(ref.raw);
    // A person is waiting: a failover gets a few seconds, not a purge's patience. While the cluster is down
    // (cluster_state:fail), Redis refuses keyed reads unless cluster-allow-reads-when-down is set: its CLUSTERDOWN is said.
    return this.keyed(slot, (c) => readRedisEntry(c, ref.raw, limit, this.hint, "cluster"), READ_FAILOVER_WAIT_MS);
  }

  async deleteEntries(refs: EntryRef[]): Promise<number> {
    return this.deleteKeys(refs.flatMap((ref) => ("raw" in ref ? [ref.raw] : [])));
  }

  /** Routed by slot, not by the row's server: a reshard may have moved the key since it was listed. */
  async deleteListed(rows: KeyRow[]): Promise<number> {
    return this.deleteKeys(rows.flatMap((row) => (row.raw === null ? [] : [row.raw])));
  }

  /**
   * UNLINK per slot (in batches); each batch counts on its own. The fast path: the batches of each primary, as the
   * topology says, in one pipeline on that node's own connection (one write per node, as a hand-written per-node loop
   * would do). A batch the node does not take (MOVED, ASK, TRYAGAIN, CLUSTERDOWN: a reshard or failover since), or all
   * of a node's batches when its connection fails, go again through the cluster client, which follows redirections and
   * waits once for a failover. If any batch still failed, the error says how many were deleted and which nodes failed.
   */
  private async deleteKeys(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const bySlot = new Map<number, string[]>();
    for (const key of keys) {
      const slot = slotOf(key);
      const list = bySlot.get(slot);
      if (list) list.push(key);
      else bySlot.set(slot, [key]);
    }
    const owners = this.slotOwners(await this.topology());
    const byNode = new Map<ClusterNode | null, Batch[]>();
    for (const [slot, list] of bySlot) {
      const node = owners[slot];
      const mine = byNode.get(node) ?? [];
      for (let i = 0; i < list.length; i += DELETE_BATCH) mine.push({ slot, keys: list.slice(i, i + DELETE_BATCH) });
      byNode.set(node, mine);
    }
    let deleted = 0;
    const again: Batch[] = [];
    await Promise.all(
      [...byNode].map(async ([node, batches]) => {
        if (!node) return void again.push(...batches);
        try {
          const replies = await this.handleOf(node).conn.run((c) => {
            const pipeline = c.pipeline();
            for (const b of batches) pipeline.unlink(...b.keys);
            return pipeline.exec();
          });
          batches.forEach((b, i) => {
            const [err, n] = replies?.[i] ?? [new Error("no reply"), 0];
            if (err) again.push(b);
            else deleted += Number(n);
          });
        } catch {
          again.push(...batches);
        }
      }),
    );
    const failures = new Map<string, string>();
    await Promise.all(
      again.map(async (b) => {
        try {
          // Not `deleted += await ...`: that reads `deleted` before the await and loses concurrent batches.
          const n = await this.keyed(b.slot, (c) => this.unlinkOneSlot(c, b.keys));
          deleted += n;
        } catch (err) {
          const e = this.clusterError(err, this.ownerLabel(b.slot));
          failures.set(e.server || this.ownerLabel(b.slot), e.message);
        }
      }),
    );
    if (failures.size > 0) {
      const failed = [...failures.values()].join("; ");
      throw new BackendError(
        "unreachable",
        `deleted ${deleted}, but ${failures.size} node(s) failed: ${failed}`,
        failures.size === 1 ? [...failures.keys()][0] : "",
        deleted,
      );
    }
    return deleted;
  }

  /** Slot -> the up primary serving it (null: none), for one topology. */
  private slotOwners(topo: ClusterTopology): (ClusterNode | null)[] {
    if (this.owners?.topo === topo) return this.owners.bySlot;
    const bySlot = new Array<ClusterNode | null>(SLOTS).fill(null);
    for (const n of servingPrimaries(topo.nodes)) if (n.up) for (const [a, b] of n.slots) bySlot.fill(n, a, b + 1);
    this.owners = { topo, bySlot };
    return bySlot;
  }

  /**
   * One slot's keys. While the slot migrates, some keys may already be on the target and others not: the server
   * answers TRYAGAIN to a multi-key command, so each key goes on its own (ASK followed by the client).
   */
  private async unlinkOneSlot(c: Cluster, keys: string[]): Promise<number> {
    try {
      return await c.unlink(...keys);
    } catch (err) {
      if (keys.length === 1 || !/TRYAGAIN|CROSSSLOT/.test(messageOf(err))) throw err;
      let deleted = 0;
      for (const key of keys) deleted += await c.unlink(key);
      return deleted;
    }
  }

  async *iterate(opts: IterateOptions): AsyncIterable<KeyRow[]> {
    const primaries = await this.primaries();
    yield* merged(primaries.map((n) => this.walkPrimary(n, opts)));
  }

  /**
   * One primary's keys. If it fails, the walk waits for the replica promoted in its place and walks that one from the
   * start, skipping the keys already handed over (a purge deleted them: the new walk finds what is left).
   */
  private async *walkPrimary(node: ClusterNode, opts: IterateOptions): AsyncIterable<KeyRow[]> {
    const seen = new Set<string>();
    let current = node;
    let restarted = false;
    const firstSlot = node.slots[0][0];
    for (;;) {
      const h = this.handleOf(current);
      try {
        for await (const rows of h.backend.iterate(opts)) {
          const fresh = restarted ? rows.filter((r) => r.raw === null || !seen.has(r.raw)) : rows;
          for (const r of fresh) if (r.raw !== null) seen.add(r.raw);
          if (fresh.length > 0) yield fresh;
        }
        return;
      } catch (err) {
        opts.signal?.throwIfAborted();
        if (!isFailoverError(err)) throw err;
        const owner = await this.awaitPrimaryFor(firstSlot, h.label, opts.signal);
        if (owner.address === current.address && restarted) throw err;
        current = owner;
        restarted = true;
      }
    }
  }

  /** Each primary drawn from in proportion to its key count (DBSIZE), so the sample stays uniform over the cluster. */
  async sample(opts: SampleOptions): Promise<KeySample> {
    const primaries = await this.primaries();
    const handles = primaries.map((n) => this.handleOf(n));
    const sizes = await Promise.all(handles.map((h) => h.conn.run((c) => c.dbsize())));
    const total = sizes.reduce((a, b) => a + b, 0);
    const drawn = new Array<number>(handles.length).fill(0);
    const parts = await Promise.all(
      handles.map((h, i) => {
        const count = total === 0 ? 0 : Math.round((opts.count * sizes[i]) / total);
        if (count === 0) return Promise.resolve<KeySample>({ rows: [], total: 0 });
        const sample = h.backend.sample;
        if (!sample) return Promise.resolve<KeySample>({ rows: [], total: 0 });
        return sample.call(h.backend, {
          prefix: opts.prefix,
          count,
          signal: opts.signal,
          onDrawn: (n: number) => {
            drawn[i] = n;
            opts.onDrawn?.(drawn.reduce((a, b) => a + b, 0));
          },
        });
      }),
    );
    return { rows: parts.flatMap((p) => p.rows), total: parts.reduce((a, p) => a + p.total, 0) };
  }

  /**
   * Every node's INFO, primaries and replicas, with its role and slots in extra.cluster. A replica's items are left
   * unknown (null): its keys are its primary's, and the cluster's total counts each key once.
   */
  async stats(): Promise<StatsSnapshot> {
    const at = Date.now();
    let topo: ClusterTopology;
    try {
      topo = await this.topology();
    } catch (err) {
      const label = this.template.target.label;
      return { at, supported: true, serverWide: true, servers: [downServerStats(label, toBackendError(err, label).message)] };
    }
    const byId = new Map(topo.nodes.map((n) => [n.id, n]));
    const nodes = [...topo.nodes].sort(
      (a, b) => Number(a.role === "replica") - Number(b.role === "replica") || a.address.localeCompare(b.address),
    );
    const servers = await Promise.all(
      nodes.map(async (n): Promise<ServerStats> => {
        const h = this.handleOf(n);
        const snap = await h.backend.stats();
        const s = snap.servers[0] ?? downServerStats(h.label, "no answer");
        const primary = n.primaryId ? byId.get(n.primaryId) : undefined;
        const cluster: ClusterNodeExtra = {
          role: n.role,
          slots: slotRangesText(n.slots),
          primary: primary ? this.handleOf(primary).label : null,
          state: topo.state,
        };
        const extra = s.extra ? { ...(s.extra as RedisExtra), cluster } : undefined;
        return { ...s, ...(n.role === "replica" ? { items: null } : {}), ...(extra ? { extra } : {}) };
      }),
    );
    return { at, supported: true, serverWide: true, servers };
  }

  /** What the cache page says: a cluster, its state, and each node's role, slots and health. */
  async health(): Promise<HealthReport> {
    const topo = await this.topology(0);
    const primaries = topo.nodes.filter((n) => n.role === "primary");
    const byId = new Map(topo.nodes.map((n) => [n.id, n]));
    const facts: HealthReport["facts"] = [
      {
        label: "Topology",
        value: `Redis Cluster · cluster_state:${topo.state} · ${primaries.length} primaries, ${topo.nodes.length - primaries.length} replicas`,
        ...(topo.state === "ok" ? {} : { warn: true }),
      },
    ];
    const warnings: string[] = [];
    if (topo.state !== "ok")
      warnings.push(`cluster_state:${topo.state}: some slots are not served; keys on the nodes that answer are still shown`);
    for (const n of [...topo.nodes].sort((a, b) => a.address.localeCompare(b.address))) {
      const label = this.handleOf(n).label;
      const primary = n.primaryId ? byId.get(n.primaryId) : undefined;
      const role =
        n.role === "primary"
          ? `primary · slots ${slotRangesText(n.slots) || "none"} (${slotCount(n.slots)})`
          : `replica of ${primary ? this.handleOf(primary).label : (n.primaryId ?? "?")}`;
      facts.push({ label, value: `${role} · ${n.up ? "up" : "down"}`, ...(n.up ? {} : { warn: true }) });
      if (!n.up) warnings.push(`${label} (${n.role}) is down`);
    }
    return { facts, warnings };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const cluster = this.cluster;
    this.cluster = null;
    if (cluster) await cluster.quit().catch(() => cluster.disconnect());
    await Promise.all([...this.handles.values()].flatMap((h) => [h.conn.close(), h.backend.close()]));
  }
}
