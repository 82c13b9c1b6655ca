import { mkdir, open, readFile } from "node:fs/promises";
import path from "node:path";
import { redactDeep, redactText } from "@/lib/config/secrets";
import { DomainError } from "@/lib/shared/errors";
import type { AuditAction, AuditEntry, AuditStatus } from "./types";

export type { AuditAction, AuditEntry, AuditPhase, AuditStatus } from "./types";

/** The log could not be written: the action it was to record is refused (503). */
export class AuditUnavailableError extends DomainError {
  constructor(message: string) {
    super("audit_unavailable", message);
    this.name = "AuditUnavailableError";
  }
}

const holder = globalThis as unknown as { __cachescopeAudit?: Map<string, AuditStatus> };

function statuses(): Map<string, AuditStatus> {
  holder.__cachescopeAudit ??= new Map();
  return holder.__cachescopeAudit;
}

function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  // mkdir -p answers EEXIST when a parent of the log is a file.
  const why =
    err?.code === "EISDIR"
      ? "it is a directory"
      : err?.code === "ENOTDIR" || err?.code === "EEXIST"
        ? "a parent of it is not a directory"
        : err?.code === "EACCES" || err?.code === "EPERM"
          ? "permission denied"
          : err?.code === "ENOSPC"
            ? "no space left on the device"
            : err?.code === "EROFS"
              ? "read-only file system"
              : null;
  return redactText(why ? `${err.code}: ${why}` : e instanceof Error ? e.message : String(e));
}

function setStatus(file: string, error: string | null): AuditStatus {
  const status: AuditStatus = { writable: error === null, ...(error !== null ? { error } : {}), checkedAt: new Date().toISOString() };
  statuses().set(file, status);
  return status;
}

/** The log opened for appending (made with its directory if missing): what every check and write first needs. */
async function openForAppend(file: string) {
  await mkdir(path.dirname(file), { recursive: true });
  return open(file, "a", 0o600);
}

async function appendLine(file: string, line: string): Promise<void> {
  const handle = await openForAppend(file);
  try {
    // One write of one line, opened O_APPEND: concurrent writers never interleave within a line.
    await handle.write(line);
    // On disk before the action goes ahead; a character device (/dev/null) has nothing to sync.
    await handle.datasync().catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EINVAL" && e.code !== "ENOTSUP") throw e;
    });
  } finally {
    await handle.close();
  }
}

/**
 * Appends one record as a JSON line, secrets masked. Fails closed: throws AuditUnavailableError when the line could
 * not be written, so the caller refuses (or stops) what it was about to do. Every attempt updates auditStatus.
 */
export async function appendAudit(file: string, entry: AuditEntry): Promise<void> {
  try {
    await appendLine(file, `${JSON.stringify(redactDeep(entry))}\n`);
  } catch (e) {
    const reason = reasonOf(e);
    setStatus(file, reason);
    throw new AuditUnavailableError(`the audit log cannot be written (${reason})`);
  }
  setStatus(file, null);
}

/** Whether the log can be appended to now (opened for append and closed; nothing written). */
export async function checkAuditLog(file: string): Promise<AuditStatus> {
  // Opening for append is the whole check: the home page polls it, so it neither writes nor syncs anything.
  try {
    await (await openForAppend(file)).close();
  } catch (e) {
    return setStatus(file, reasonOf(e));
  }
  return setStatus(file, null);
}

/** The last known state of the log (from the last check or write), or a fresh check when there was none. */
export async function auditStatus(file: string): Promise<AuditStatus> {
  return statuses().get(file) ?? checkAuditLog(file);
}

export interface AuditFilter {
  alias?: string;
  action?: string;
  /** A Django username (Sign in with Django), or an actor as recorded ("token", "session:…"). */
  person?: string;
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await readFile(file, "utf8")).split("\n");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

function parseLine(line: string): AuditEntry | null {
  const text = line.trim();
  if (!text) return null;
  try {
    const entry = JSON.parse(text) as AuditEntry;
    return typeof entry === "object" && entry !== null ? entry : null;
  } catch {
    return null;
  }
}

function matches(entry: AuditEntry, filter: AuditFilter): boolean {
  return (
    (filter.alias === undefined || entry.alias === filter.alias) &&
    (filter.action === undefined || entry.action === filter.action) &&
    (filter.person === undefined ||
      entry.person?.username === filter.person ||
      (entry.person === undefined && entry.actor === filter.person))
  );
}

/** The newest records first, optionally of one cache or one action; a torn or foreign line is skipped, not fatal. */
export async function readAudit(file: string, limit: number, filter: AuditFilter = {}): Promise<AuditEntry[]> {
  const lines = await readLines(file);
  const out: AuditEntry[] = [];
  for (let i = lines.length - 1; i >= 0 && out.length < limit; i--) {
    const entry = parseLine(lines[i]);
    if (entry && matches(entry, filter)) out.push(entry);
  }
  return out;
}

export const UNFINISHED = "unfinished: no outcome recorded (the server stopped, or the audit log could not be written)";

/**
 * One row per action, newest first: the records of an action (intent, progress, outcome; linked by id) folded into
 * its latest state. An action without an outcome is "running" while its job runs, else unfinished.
 */
export async function readAuditActions(
  file: string,
  limit: number,
  filter: AuditFilter = {},
  isRunning: (job: string) => boolean = () => false,
): Promise<AuditAction[]> {
  const lines = await readLines(file);
  const out: AuditAction[] = [];
  const byId = new Map<string, AuditAction>();
  for (let i = lines.length - 1; i >= 0; i--) {
    const entry = parseLine(lines[i]);
    if (!entry || !matches(entry, filter)) continue;
    const seen = entry.id !== undefined ? byId.get(entry.id) : undefined;
    if (seen) {
      // An older record of an action already shown: it only tells when the action began.
      seen.startedAt = entry.at;
      seen.records++;
      continue;
    }
    if (out.length >= limit) continue;
    const finished = entry.phase === undefined || entry.phase === "outcome";
    const action: AuditAction = { ...entry, startedAt: entry.at, records: 1, finished };
    if (!finished) action.outcome = entry.job !== undefined && isRunning(entry.job) ? "running" : UNFINISHED;
    out.push(action);
    if (entry.id !== undefined) byId.set(entry.id, action);
  }
  return out;
}
