"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { formatBytes, formatTtl } from "@/lib/format";
import { useCache } from "../caches/useCache";
import type { LimitKind } from "../types";
import { KindBadge, Notice, Spinner } from "../ui";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { deleteEntry } from "./delete-entry";
import { PyValueView } from "./PyValueView";
import { useEntry } from "./useEntry";

function Meta({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mono">{children}</dd>
    </div>
  );
}

/** What each decode limit means, for the notice (lib/codecs/types.ts LimitKind). */
const LIMIT_NAMES: Record<LimitKind, string> = {
  time: "time (the decode ran too long)",
  memory: "memory (the decode needed too much memory)",
  bytes: "size (too many bytes inflated or produced)",
  work: "work (too much hashing or copying)",
  nodes: "values (too many to show)",
  depth: "nesting (too deep to show)",
  busy: "busy (too many decodes waiting; reload in a moment)",
};

/** Characters of the PyValue JSON shown at most (a value may be megabytes of JSON). */
const JSON_CHARS = 1_000_000;

/** The raw PyValue JSON, built only when opened. */
function JsonDetails({ value }: { value: unknown }) {
  const [open, setOpen] = useState(false);
  const json = open ? JSON.stringify(value, null, 2) : "";
  return (
    <details className="mt-2 text-xs" onToggle={(ev) => setOpen(ev.currentTarget.open)}>
      <summary className="cursor-pointer text-slate-500">PyValue JSON</summary>
      {open ? (
        <pre className="max-h-96 overflow-auto rounded bg-slate-50 p-2">
          {json.length > JSON_CHARS
            ? `${json.slice(0, JSON_CHARS)}\n… (${json.length - JSON_CHARS} more characters: use the API for all of it)`
            : json}
        </pre>
      ) : null}
    </details>
  );
}

function hexDump(hex: string): string {
  const lines: string[] = [];
  for (let off = 0; off < hex.length; off += 32) {
    const chunk = hex.slice(off, off + 32);
    const bytes = chunk.match(/../g) ?? [];
    const ascii = bytes.map((b) => {
      const c = parseInt(b, 16);
      return c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
    });
    lines.push(`${(off / 2).toString(16).padStart(6, "0")}  ${bytes.join(" ").padEnd(47)}  ${ascii.join("")}`);
  }
  return lines.join("\n");
}

export function EntryView({ alias }: { alias: string }) {
  const params = useSearchParams();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const query = params.toString();
  const info = useCache(alias);
  const entry = useEntry(alias, query);
  const del = useMutation({
    mutationFn: () => deleteEntry(alias, query),
    onSuccess: () => router.push(`/caches/${encodeURIComponent(alias)}`),
  });

  if (entry.isPending) return <Spinner label="Reading entry…" />;
  if (entry.isError) {
    return (
      <Notice tone={entry.error.message.includes("no such entry") ? "warn" : "error"} title="Cannot show this entry">
        {entry.error.message}
      </Notice>
    );
  }
  const e = entry.data;
  const name = e.key ?? e.raw ?? e.file ?? "";
  const readOnly = info.data?.readOnly ?? true;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="mono break-all text-base font-semibold" data-testid="entry-name">
          {name}
        </h1>
        <KindBadge kind={e.kind} />
        {!readOnly ? (
          <button
            className="ml-auto rounded border border-red-300 px-2 py-1 text-red-700 hover:bg-red-50"
            onClick={() => setConfirming(true)}
          >
            Delete…
          </button>
        ) : null}
      </div>
      {confirming ? (
        <ConfirmDialog
          title="Delete this entry?"
          confirmLabel="Delete"
          busy={del.isPending}
          error={del.error?.message}
          onCancel={() => setConfirming(false)}
          onConfirm={() => del.mutate()}
        >
          <p>
            This deletes <code className="break-all rounded bg-slate-100 px-1">{e.raw ?? `${e.file}.djcache`}</code> from cache{" "}
            <strong>{alias}</strong>. Django will compute it again on the next request that needs it.
          </p>
        </ConfirmDialog>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 rounded border border-slate-200 bg-white p-3 md:grid-cols-4 lg:grid-cols-8">
        <div className="col-span-full break-all">
          <Meta label={e.file ? "File" : "Stored key"}>{e.file ? `${e.file}.djcache` : (e.raw ?? "")}</Meta>
        </div>
        <Meta label="Version">{e.version ?? "—"}</Meta>
        <Meta label="Encoding">
          <span data-testid="entry-encoding">
            {e.encoding.format}
            {e.encoding.compression ? ` + ${e.encoding.compression}` : ""}
            {e.encoding.flags !== undefined ? ` (flags ${e.encoding.flags})` : ""}
          </span>
        </Meta>
        <Meta label="TTL">{formatTtl(e.ttl)}</Meta>
        <Meta label="Size">{formatBytes(e.size)}</Meta>
        <Meta label="Value bytes">{formatBytes(e.valueLength)}</Meta>
        <Meta label="Type">{e.type}</Meta>
        {e.fileExpiry !== undefined ? (
          <Meta label="Expires">{e.fileExpiry === null ? "never" : new Date(e.fileExpiry * 1000).toISOString()}</Meta>
        ) : null}
      </dl>
      {e.notes.map((n) => (
        <Notice key={n} tone="warn" title={n} />
      ))}
      {e.limit ? (
        <div data-testid="entry-limit" data-kind={e.limit.kind}>
          <Notice tone={e.value ? "warn" : "error"} title={`Decode limit reached: ${LIMIT_NAMES[e.limit.kind]}`}>
            {e.limit.message}.{" "}
            {e.value
              ? "The parts marked “truncated” were left out."
              : "The value is not shown; its size and raw bytes below are what the cache holds."}
          </Notice>
        </div>
      ) : null}
      {e.error && !e.limit ? (
        <Notice tone={e.truncated ? "warn" : "error"} title={e.truncated ? "Value cut" : "Undecodable"}>
          {e.error}
        </Notice>
      ) : null}
      {e.truncated && !e.error && !e.limit ? (
        <Notice tone="warn" title="Truncated">
          The value was larger than the display limits; the parts marked “truncated” were left out.
        </Notice>
      ) : null}
      {e.herd ? (
        <Notice tone="info" title="django-redis HerdClient entry">
          The stored tuple wraps the value with a logical expiry of {new Date(e.herd.logicalExpiry * 1000).toISOString()}; Django sees the
          value below.
        </Notice>
      ) : null}
      {e.response ? (
        <section className="rounded border border-slate-200 bg-white p-3" data-testid="entry-response">
          <h2 className="mb-2 font-semibold">
            Cached page: {e.response.status} · {e.response.contentType ?? "no content type"}{" "}
            <span className="text-xs font-normal text-slate-500">{e.response.className}</span>
          </h2>
          <table className="mb-2 text-xs">
            <tbody>
              {Object.entries(e.response.headers).map(([k, v]) => (
                <tr key={k}>
                  <td className="mono pr-3 text-slate-500">{k}</td>
                  <td className="mono break-all">{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <pre className="max-h-96 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs" data-testid="entry-body">
            {e.response.bodyText}
          </pre>
          {e.response.bodyTruncated ? <p className="text-xs text-amber-700">Body cut for display.</p> : null}
        </section>
      ) : null}
      {e.value ? (
        <section className="rounded border border-slate-200 bg-white p-3">
          <h2 className="mb-2 font-semibold">Value, as Python sees it</h2>
          <div className="mono text-xs leading-relaxed" data-testid="entry-value">
            <PyValueView value={e.value} />
          </div>
          <JsonDetails value={e.value} />
        </section>
      ) : null}
      <section className="rounded border border-slate-200 bg-white p-3">
        <h2 className="mb-2 font-semibold">Raw bytes {e.hexTruncated ? "(first 4 KiB)" : ""}</h2>
        <pre className="max-h-80 overflow-auto text-xs">{e.hex ? hexDump(e.hex) : "—"}</pre>
      </section>
      <Link href={`/caches/${encodeURIComponent(alias)}`} className="text-sky-700 hover:underline">
        ← back to {alias}
      </Link>
    </div>
  );
}
