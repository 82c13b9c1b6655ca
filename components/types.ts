/** Shapes of API answers as the pages read them (shared/API.md). */
import type { PyValue } from "@/lib/codecs/pyvalue";
import type { Capabilities } from "@/lib/backends/types";

export type { PyValue };

export interface CacheStatus {
  ok: boolean;
  latencyMs?: number;
  error?: string;
  servers?: { server: string; ok: boolean; latencyMs?: number; error?: string }[];
}

export interface CacheItem {
  alias: string;
  backend: string;
  kind: "redis" | "memcached" | "filebased" | "dummy" | "unsupported";
  locations: string[];
  keyPrefix: string;
  version: number;
  capabilities: Capabilities;
  status: CacheStatus;
  note?: string;
}

export interface CachesAnswer {
  caches: CacheItem[];
  configErrors: { alias: string | null; field: string | null; message: string; text: string }[];
  source: string;
  demo: boolean;
  readOnly: boolean;
}

export type Kind = "page" | "page_header" | "fragment" | "session" | "key";

export interface KeyItem {
  raw: string | null;
  key: string | null;
  version: number | null;
  kind: Kind;
  ttl: number | null;
  size: number | null;
  type: string | null;
  file?: string;
  server?: string;
  preview?: string;
  expired?: boolean;
}

export interface KeysAnswer {
  keys: KeyItem[];
  cursor: string | null;
  scanned: number;
  errors?: { server: string; error: string }[];
}

export interface EntryAnswer {
  raw: string | null;
  file?: string;
  key: string | null;
  version: number | null;
  kind: Kind;
  type: string;
  ttl: number | null;
  size: number | null;
  valueLength: number | null;
  encoding: { format: string; compression: string | null; flags?: number };
  value: PyValue | null;
  response?: {
    status: number;
    contentType: string | null;
    headers: Record<string, string>;
    bodyText: string;
    bodyTruncated: boolean;
    className: string;
  };
  truncated: boolean;
  error?: string;
  hex: string;
  hexTruncated: boolean;
  notes: string[];
  herd?: { value: PyValue; logicalExpiry: number };
  fileExpiry?: number | null;
}
