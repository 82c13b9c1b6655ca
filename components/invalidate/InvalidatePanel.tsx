"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { formatBytes, formatCount } from "@/lib/format";
import { api } from "../api-client";
import { ConfirmDialog } from "../ConfirmDialog";
import type { CacheItem } from "../types";
import { Notice, Spinner } from "../ui";
import { JobList } from "./JobList";
import type { Action, DryRunAnswer, InvalidateBody, JobView } from "./types";

const ACTIONS: { id: Action; label: string }[] = [
  { id: "prefix", label: "Key prefix" },
  { id: "url", label: "URL (cache_page)" },
  { id: "fragment", label: "Template fragment" },
  { id: "clear", label: "Clear cache" },
  { id: "expired", label: "Expired entries" },
];

/** Flag actions act on the whole cache: no version choice. */
const WHOLE_CACHE: Action[] = ["clear", "expired"];

/** Lines of a textarea, trimmed, empty ones dropped. */
function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

interface FormState {
  prefix: string;
  url: string;
  pageKeyPrefix: string;
  languages: string;
  timezones: string;
  fragmentName: string;
  useVaryOn: boolean;
  varyOn: string;
  allVersions: boolean;
}

const EMPTY: FormState = {
  prefix: "",
  url: "",
  pageKeyPrefix: "",
  languages: "",
  timezones: "",
  fragmentName: "",
  useVaryOn: false,
  varyOn: "",
  allVersions: false,
};

function targetOf(action: Action, f: FormState, listable: boolean): Record<string, unknown> {
  switch (action) {
    case "prefix":
      return { prefix: f.prefix };
    case "url":
      return {
        url: f.url,
        ...(f.pageKeyPrefix ? { keyPrefix: f.pageKeyPrefix } : {}),
        ...(!listable && lines(f.languages).length ? { languages: lines(f.languages) } : {}),
        ...(!listable && lines(f.timezones).length ? { timezones: lines(f.timezones) } : {}),
      };
    case "fragment":
      return { fragment: f.useVaryOn ? { name: f.fragmentName, varyOn: f.varyOn === "" ? [] : f.varyOn.split("\n") } : { name: f.fragmentName } };
    case "clear":
      return { clear: true };
    case "expired":
      return { expired: true };
  }
}

function Field(props: { label: string; hint?: string; children: React.ReactNode }) {
  return (
    <label className="block space-y-1">
      <span className="text-xs font-medium text-slate-700">{props.label}</span>
      {props.children}
      {props.hint ? <span className="block text-xs text-slate-500">{props.hint}</span> : null}
    </label>
  );
}

const INPUT = "mono w-full rounded border border-slate-300 px-2 py-1 disabled:bg-slate-100";

export function InvalidatePanel({ alias }: { alias: string }) {
  const client = useQueryClient();
  const info = useQuery({ queryKey: ["cache", alias], queryFn: () => api<CacheItem & { readOnly: boolean }>(`/api/caches/${encodeURIComponent(alias)}`) });
  const search = useSearchParams();
  const asked = search.get("action");
  const [action, setAction] = useState<Action>(ACTIONS.find((a) => a.id === asked)?.id ?? "prefix");
  // Links from other pages (a namespace's row) can fill the prefix or fragment in.
  const [form, setForm] = useState<FormState>(() => ({ ...EMPTY, prefix: search.get("prefix") ?? "", fragmentName: search.get("fragment") ?? "" }));
  const [dry, setDry] = useState<{ body: InvalidateBody; answer: DryRunAnswer } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");

  const path = `/api/caches/${encodeURIComponent(alias)}/invalidate`;
  const dryRun = useMutation({
    mutationFn: (body: InvalidateBody) => api<DryRunAnswer>(path, { method: "POST", body: JSON.stringify(body) }).then((answer) => ({ body, answer })),
    onSuccess: setDry,
  });
  const start = useMutation({
    mutationFn: (body: InvalidateBody) => api<{ job: JobView }>(path, { method: "POST", body: JSON.stringify(body) }),
    onSuccess: () => {
      setConfirming(false);
      setDry(null);
      setTyped("");
      void client.invalidateQueries({ queryKey: ["jobs", alias] });
    },
  });

  if (info.isPending) return <Spinner label="Loading cache…" />;
  if (info.isError) return <Notice tone="error" title={`Cannot open cache “${alias}”`}>{info.error.message}</Notice>;
  const cache = info.data;
  const listable = cache.capabilities.invalidatePrefix;
  const canAct = !cache.readOnly;

  const change = (patch: Partial<FormState>) => {
    setForm((f) => ({ ...f, ...patch }));
    // A dry run answers for the exact form it was run with: any change asks for a new one.
    setDry(null);
    dryRun.reset();
  };
  const body: InvalidateBody = { target: targetOf(action, form, listable), allVersions: !WHOLE_CACHE.includes(action) && form.allVersions, dryRun: true };
  const versionText = form.allVersions ? "every version" : `version ${cache.version}`;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,32rem)_1fr]">
      <section className="space-y-3">
        <h2 className="font-semibold">Invalidate</h2>
        {!canAct ? (
          <Notice tone="info" title="Read-only mode">
            Cachescope runs with CACHESCOPE_READ_ONLY=1: nothing can be deleted from here. Jobs started before are listed on the right.
          </Notice>
        ) : (
          <form
            className="space-y-3 rounded border border-slate-200 bg-white p-3"
            onSubmit={(e) => {
              e.preventDefault();
              dryRun.mutate(body);
            }}
          >
            <div className="flex flex-wrap gap-1" role="tablist">
              {/* Expired entries linger only where the backend does not drop them itself (files). */}
              {ACTIONS.filter((a) => a.id !== "expired" || cache.capabilities.keyNames === false).map((a) => (
                <button
                  key={a.id}
                  type="button"
                  role="tab"
                  aria-selected={action === a.id}
                  className={`rounded px-2 py-1 text-xs ${action === a.id ? "bg-slate-900 text-white" : "border border-slate-300"}`}
                  onClick={() => {
                    setAction(a.id);
                    setDry(null);
                    dryRun.reset();
                  }}
                >
                  {a.label}
                </button>
              ))}
            </div>

            {action === "prefix" ? (
              listable ? (
                <Field label="Django key prefix" hint={`Keys under KEY_PREFIX “${cache.keyPrefix}” at ${versionText} whose key starts with this, matched literally (no wildcards).`}>
                  <input className={INPUT} value={form.prefix} onChange={(e) => change({ prefix: e.target.value })} aria-label="Django key prefix" placeholder="e.g. report:2024:" />
                </Field>
              ) : (
                <Notice tone="info" title="Not possible on this cache">
                  {cache.backend} cannot match keys by prefix (FileBasedCache names each file by the md5 of its key). Use URL, a fragment with its
                  vary-on values, or delete single entries.
                </Notice>
              )
            ) : null}

            {action === "url" ? (
              <>
                <Field label="URL" hint="As Django sees it (scheme://host/path?query). Behind a TLS proxy without SECURE_PROXY_SSL_HEADER, Django sees http://.">
                  <input className={INPUT} value={form.url} onChange={(e) => change({ url: e.target.value })} aria-label="URL" placeholder="https://example.com/products/?page=2" />
                </Field>
                <Field label="cache_page key_prefix" hint="cache_page(key_prefix=…) or CACHE_MIDDLEWARE_KEY_PREFIX; empty by default.">
                  <input className={INPUT} value={form.pageKeyPrefix} onChange={(e) => change({ pageKeyPrefix: e.target.value })} aria-label="cache_page key_prefix" />
                </Field>
                {listable ? (
                  <p className="text-xs text-slate-500">Deletes every cached variant of the page (GET and HEAD, any Vary headers, language and time zone) and its header keys.</p>
                ) : (
                  <>
                    <Notice tone="warn" title="Only exact keys can be computed here">
                      This cache cannot list keys by name, so the page keys (which contain a hash of the request headers) cannot be found. The URL’s
                      header keys are computed for the languages and time zones below; deleting them makes Django miss the page and render it afresh.
                    </Notice>
                    <Field label="Languages (one per line, e.g. en-us)" hint="With USE_I18N Django adds the request’s language to the key.">
                      <textarea className={INPUT} rows={2} value={form.languages} onChange={(e) => change({ languages: e.target.value })} aria-label="Languages" />
                    </Field>
                    <Field label="Time zones (one per line, e.g. UTC)" hint="With USE_TZ Django adds the current time zone name.">
                      <textarea className={INPUT} rows={2} value={form.timezones} onChange={(e) => change({ timezones: e.target.value })} aria-label="Time zones" />
                    </Field>
                  </>
                )}
              </>
            ) : null}

            {action === "fragment" ? (
              <>
                <Field label="Fragment name" hint="The name in {% cache 600 name … %}.">
                  <input className={INPUT} value={form.fragmentName} onChange={(e) => change({ fragmentName: e.target.value })} aria-label="Fragment name" />
                </Field>
                <label className="flex items-center gap-2 text-xs">
                  <input type="checkbox" checked={form.useVaryOn || !listable} disabled={!listable} onChange={(e) => change({ useVaryOn: e.target.checked })} />
                  only the variant for these vary-on values {listable ? "(unticked: every variant of the name)" : "(this cache cannot list every variant)"}
                </label>
                {form.useVaryOn || !listable ? (
                  <Field label="Vary-on values, one per line, as Python’s str() prints them">
                    <textarea className={INPUT} rows={3} value={form.varyOn} onChange={(e) => change({ varyOn: e.target.value, useVaryOn: true })} aria-label="Vary-on values" />
                  </Field>
                ) : null}
              </>
            ) : null}

            {action === "clear" ? (
              <Notice tone="warn" title="Clear this cache">
                {listable
                  ? cache.keyPrefix === ""
                    ? "Deletes every key starting with “:” (KEY_PREFIX is empty) at every version — also those of other apps sharing this database with an empty KEY_PREFIX. Never FLUSHDB: keys not starting with “:” stay."
                    : `Deletes every key starting with “${cache.keyPrefix}:” at every version. Other keys on the server stay (no FLUSHDB).`
                  : "Deletes every entry file of this cache’s directory."}
              </Notice>
            ) : null}

            {action === "expired" ? (
              <Notice tone="info" title="Delete entries past their expiry">
                Django deletes an expired file only when something reads its key; until then it takes disk space and counts against
                MAX_ENTRIES. A file rewritten with a fresh expiry since the count stays.
              </Notice>
            ) : null}

            {!WHOLE_CACHE.includes(action) && listable ? (
              <label className="flex items-center gap-2 text-xs">
                <input type="checkbox" checked={form.allVersions} onChange={(e) => change({ allVersions: e.target.checked })} />
                all versions (not only VERSION {cache.version})
              </label>
            ) : null}

            <div className="flex items-center gap-2">
              <button type="submit" className="rounded bg-slate-900 px-3 py-1 text-white disabled:opacity-50" disabled={dryRun.isPending || (action === "prefix" && !listable)}>
                {dryRun.isPending ? "Counting…" : "Dry run"}
              </button>
              <span className="text-xs text-slate-500">Counts what would go; nothing is deleted.</span>
            </div>
            {dryRun.isError ? <p role="alert" className="text-red-700" data-testid="dry-run-error">{dryRun.error.message}</p> : null}
          </form>
        )}

        {dry && canAct ? (
          <div className="space-y-2 rounded border border-slate-200 bg-white p-3" data-testid="dry-run">
            <p>
              <strong data-testid="dry-matched">{formatCount(dry.answer.matched)}</strong> {dry.answer.matched === 1 ? "key matches" : "keys match"},{" "}
              {formatBytes(dry.answer.bytes)}
              {dry.answer.bytesUnknown > 0 ? ` (size unknown for ${formatCount(dry.answer.bytesUnknown)})` : ""}.
            </p>
            {dry.answer.notes.map((n) => (
              <p key={n} className="text-xs text-amber-800">
                {n}
              </p>
            ))}
            {dry.answer.sample.length > 0 ? (
              <ul className="mono max-h-48 overflow-auto text-xs text-slate-700" aria-label="Sample of matching keys">
                {dry.answer.sample.map((k) => (
                  <li key={k} className="truncate" title={k}>
                    {k}
                  </li>
                ))}
              </ul>
            ) : null}
            <button
              className="rounded bg-red-600 px-3 py-1 text-white disabled:opacity-50"
              disabled={dry.answer.matched === 0}
              onClick={() => {
                setTyped("");
                setConfirming(true);
              }}
            >
              Delete {formatCount(dry.answer.matched)}…
            </button>
          </div>
        ) : null}

        {confirming && dry ? (
          <ConfirmDialog
            title={`Delete from “${alias}”`}
            confirmLabel="Delete"
            busy={start.isPending}
            error={start.isError ? start.error.message : undefined}
            typeToConfirm={alias}
            typed={typed}
            onTyped={setTyped}
            onCancel={() => {
              setConfirming(false);
              start.reset();
            }}
            onConfirm={() => start.mutate({ ...dry.body, dryRun: false })}
          >
            <p>
              The dry run matched {formatCount(dry.answer.matched)} keys ({formatBytes(dry.answer.bytes)}). The deletion runs in the background and
              deletes only keys it sees matching now; it keeps running if you close this tab, and can be cancelled.
            </p>
            {dry.answer.notes.map((n) => (
              <p key={n} className="mt-1 text-amber-800">
                {n}
              </p>
            ))}
          </ConfirmDialog>
        ) : null}
      </section>

      <section className="space-y-3">
        <h2 className="font-semibold">Jobs on {alias}</h2>
        <JobList alias={alias} canCancel={canAct} />
      </section>
    </div>
  );
}
