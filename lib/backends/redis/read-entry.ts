import type { Cluster, Redis } from "ioredis";
import type { DecodeHint } from "@/lib/codecs/types";
import type { RawEntry } from "../types";
import { CLUSTER_TOUCHING_READ, NO_TOUCH_READ, TOUCHING_READ } from "./access";
import { ttlSeconds } from "./scan";
import { readStructured } from "./structured";

/** Members shown of a hash/set/zset/list/stream value, and bytes shown of each. */
const STRUCTURED_LIMIT = 100;
const MEMBER_BYTES = 4_096;

/**
 * One entry, read boundedly: on one server's connection (node.ts) or through a cluster client that routes the key to
 * its slot's node (cluster.ts). Every command names the one key, so a cluster pipeline stays inside one slot.
 */
export async function readRedisEntry(
  client: Redis | Cluster,
  key: string,
  limit: number,
  hint: DecodeHint,
  where: "node" | "cluster",
): Promise<RawEntry | null> {
  // One round trip for the common case (a string): STRLEN/GETRANGE answer WRONGTYPE for other types, harmlessly.
  // GETRANGE, never GET: a 500 MB value must not cross the wire to show its first kilobytes.
  // NO-TOUCH first (Redis 7.2+; older servers answer an error, left in its slot): reading must not warm the entry.
  // Not on a cluster: an ASKING sent before the pipeline would be spent on it, and the key's command answered MOVED.
  const pipeline = client.pipeline();
  const noTouch = where === "node";
  if (noTouch) pipeline.call("CLIENT", "NO-TOUCH", "ON");
  const at = noTouch ? 1 : 0;
  const replies =
    (await pipeline
      .type(key)
      .pttl(key)
      .memory("USAGE", key, "SAMPLES", 5)
      .strlen(key)
      .getrangeBuffer(key, 0, limit - 1)
      .exec()) ?? [];
  const [noTouchErr] = noTouch ? (replies[0] ?? [null, null]) : [null];
  const [typeErr, type] = replies[at + 0] ?? [null, null];
  if (typeErr) throw typeErr;
  if (type === "none" || typeof type !== "string") return null;
  const [, pttl] = replies[at + 1] ?? [null, null];
  const [sizeErr, size] = replies[at + 2] ?? [null, null];
  // TYPE, PTTL and every read below go through Redis's key lookup, which counts keyspace hits: say so.
  const notes: string[] = [
    "reading this entry counted as keyspace hits on the server (INFO keyspace_hits)",
    !noTouch ? CLUSTER_TOUCHING_READ : noTouchErr ? TOUCHING_READ : NO_TOUCH_READ,
  ];
  const base = {
    raw: key,
    type,
    ttl: ttlSeconds(Number(pttl)) ?? null,
    size: sizeErr || typeof size !== "number" ? null : size,
  };

  if (type === "string") {
    const [lenErr, length] = replies[at + 3] ?? [null, null];
    const [bytesErr, bytes] = replies[at + 4] ?? [null, null];
    if (lenErr) throw lenErr;
    if (bytesErr) throw bytesErr;
    const valueLength = Number(length);
    const data = bytes instanceof Buffer ? new Uint8Array(bytes) : new Uint8Array();
    if (valueLength > data.length) notes.push(`showing the first ${data.length} of ${valueLength} bytes`);
    return { ...base, bytes: data, valueLength, hint, notes };
  }

  const read = await readStructured(client, key, type, { limit: STRUCTURED_LIMIT, memberBytes: MEMBER_BYTES });
  if (!read) {
    notes.push(`Redis type "${type}" is not shown`);
    return { ...base, bytes: null, notes };
  }
  if (read.total > read.shown) notes.push(`showing ${read.shown} of ${read.total} members`);
  if (read.membersCut) notes.push(`members longer than ${MEMBER_BYTES} bytes are cut`);
  return { ...base, bytes: null, structured: read.value, hint, notes };
}
