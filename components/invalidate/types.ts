/** Shapes of the invalidation answers as the pages read them (shared/API.md Invalidation). */

export interface DryRunAnswer {
  matched: number;
  bytes: number;
  bytesUnknown: number;
  sample: string[];
  notes: string[];
}

export interface JobView {
  id: string;
  alias: string;
  kind: string;
  target: Record<string, unknown>;
  state: "running" | "done" | "failed" | "cancelled";
  scanned: number;
  matched: number;
  deleted: number;
  total?: number;
  errors: string[];
  startedAt: string;
  finishedAt: string | null;
  result?: { notes?: string[] };
}

export type Action = "prefix" | "url" | "fragment" | "clear" | "expired";

/** The request body of POST /api/caches/{alias}/invalidate. */
export interface InvalidateBody {
  target: Record<string, unknown>;
  allVersions: boolean;
  dryRun: boolean;
}
