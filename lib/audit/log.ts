import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  alias: string;
  target: unknown;
  dryRun: boolean;
  matched: number | null;
  deleted: number | null;
  outcome: string;
}

/** Appends one destructive action as a JSON line. Appends are whole lines: concurrent writers never interleave one. */
export async function appendAudit(file: string, entry: AuditEntry): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await appendFile(file, `${JSON.stringify(entry)}\n`, { encoding: "utf8", mode: 0o600 });
}

export interface AuditFilter {
  alias?: string;
  action?: string;
}

/** The newest entries first, optionally of one cache or one action; a torn or foreign line is skipped, not fatal. */
export async function readAudit(file: string, limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  const out: AuditEntry[] = [];
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
    const line = lines[i].trim();
    if (!line) continue;
    let entry: AuditEntry;
    try {
      entry = JSON.parse(line) as AuditEntry;
    } catch {
      continue;
    }
    if (filter.alias !== undefined && entry.alias !== filter.alias) continue;
    if (filter.action !== undefined && entry.action !== filter.action) continue;
    out.push(entry);
  }
  return out;
}
