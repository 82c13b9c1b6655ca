import { randomBytes } from "node:crypto";
import { BackendError } from "../errors";
import type { DumpItem } from "./metadump";

/**
 * Paging through metadump output.
 *
 * A metadump cannot start mid-way, so a page N would otherwise mean re-dumping (and skipping) everything before it.
 * Choice: the first pass over a server keeps the rows matching the prefix in a snapshot, as long as they stay under
 * SNAPSHOT_MAX_ROWS; later pages of the same listing are slices of it (no server work). A server with more matching
 * keys than that is paged by stream-and-skip instead: each page dumps only up to its last row and closes the socket
 * (which ends the crawl), so page k costs k pages of dump, never the whole server, and memory stays bounded. Skipping
 * counts rows, so when keys are added or removed between pages, or memcached grows its hash table (which reorders a
 * `hash` dump), that path can repeat or miss keys; snapshots cannot.
 */

export const SNAPSHOT_MAX_ROWS = 100_000;
const SNAPSHOT_TTL_MS = 120_000;
const SNAPSHOT_MAX_COUNT = 16;
/** All snapshots together (about 100 bytes a row: some tens of MB at most). */
const SNAPSHOT_MAX_TOTAL_ROWS = 400_000;

export interface ListingCursor {
  /** Listing id: ties pages of one listing to its snapshots. */
  id: string;
  /** Index of the server in the pool. */
  server: number;
  /** Rows of that server (after prefix filter and de-duplication) already returned. */
  position: number;
}

export function newListingId(): string {
  return randomBytes(9).toString("base64url");
}

export function encodeCursor(c: ListingCursor): string {
  return Buffer.from(JSON.stringify([1, c.id, c.server, c.position])).toString("base64url");
}

const invalidCursor = () => new BackendError("invalid_cursor", "invalid cursor: not one this listing gave out");

/** Parses a cursor from a client; anything malformed is refused, not guessed at. */
export function decodeCursor(text: string, servers: number): ListingCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== 1) throw invalidCursor();
  const [, id, server, position] = parsed as unknown[];
  if (typeof id !== "string" || !/^[A-Za-z0-9_-]{12}$/.test(id)) throw invalidCursor();
  if (!Number.isSafeInteger(server) || (server as number) < 0 || (server as number) >= servers) throw invalidCursor();
  if (!Number.isSafeInteger(position) || (position as number) < 0) throw invalidCursor();
  return { id, server: server as number, position: position as number };
}

export interface Snapshot {
  rows: DumpItem[];
  /** Server clock minus local clock, seconds: ttl = exp - (now + offset). */
  clockOffset: number;
}

/** Recent snapshots, least recently used dropped first. */
export class SnapshotStore {
  private readonly entries = new Map<string, { snapshot: Snapshot; usedAt: number }>();
  private totalRows = 0;

  get(key: string, now = Date.now()): Snapshot | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (now - entry.usedAt > SNAPSHOT_TTL_MS) {
      this.remove(key);
      return null;
    }
    this.entries.delete(key);
    this.entries.set(key, { snapshot: entry.snapshot, usedAt: now });
    return entry.snapshot;
  }

  set(key: string, snapshot: Snapshot, now = Date.now()): void {
    this.remove(key);
    this.entries.set(key, { snapshot, usedAt: now });
    this.totalRows += snapshot.rows.length;
    // Map order is least recently used first: drop from the front until within every bound.
    for (const [k, e] of this.entries) {
      const within =
        this.entries.size <= SNAPSHOT_MAX_COUNT && this.totalRows <= SNAPSHOT_MAX_TOTAL_ROWS && now - e.usedAt <= SNAPSHOT_TTL_MS;
      if (within || k === key) break;
      this.remove(k);
    }
  }

  clear(): void {
    this.entries.clear();
    this.totalRows = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.totalRows -= entry.snapshot.rows.length;
    this.entries.delete(key);
  }
}
