"use client";

import { useSearchParams } from "next/navigation";
import { useState } from "react";
import type { CacheAnswer } from "../types";
import { Notice } from "../ui";
import { ConfirmInvalidate } from "./ConfirmInvalidate";
import { DryRunResult } from "./DryRunResult";
import { TargetFields } from "./TargetFields";
import { TargetPicker } from "./TargetPicker";
import { EMPTY_FORM, WHOLE_CACHE, openingTarget, targetChoices, targetOf, type Action, type FormState } from "./targets";
import { useInvalidate } from "./useInvalidate";

/** Pick a target, fill it in, dry run, then confirm the deletion. Opens on a target this backend can do. */
export function InvalidateForm({ cache }: { cache: CacheAnswer }) {
  const search = useSearchParams();
  const choices = targetChoices(cache.backend, cache.capabilities);
  const [opening] = useState(() => openingTarget(search.get("action"), choices));
  const [action, setAction] = useState<Action>(opening.action);
  // Links from other pages (a namespace's row) can fill the prefix or fragment in.
  const [form, setForm] = useState<FormState>(() => ({
    ...EMPTY_FORM,
    prefix: search.get("prefix") ?? "",
    fragmentName: search.get("fragment") ?? "",
  }));
  const flow = useInvalidate(cache.alias);
  const listable = cache.capabilities.invalidatePrefix;

  const change = (patch: Partial<FormState>) => {
    setForm((f) => ({ ...f, ...patch }));
    flow.forget();
  };
  const pick = (a: Action) => {
    setAction(a);
    flow.forget();
  };
  const versioned = !WHOLE_CACHE.includes(action);
  const body = { target: targetOf(action, form, listable), allVersions: versioned && form.allVersions };

  return (
    <>
      {opening.note ? (
        <Notice tone="info" title="Not possible on this cache">
          {opening.note}
        </Notice>
      ) : null}
      <form
        className="space-y-3 rounded border border-slate-200 bg-white p-3"
        onSubmit={(e) => {
          e.preventDefault();
          flow.dryRun.mutate(body);
        }}
      >
        <TargetPicker choices={choices} action={action} onPick={pick} />
        <TargetFields action={action} cache={cache} form={form} change={change} listable={listable} />
        {versioned && listable ? (
          <label className="flex items-center gap-2 text-xs">
            <input type="checkbox" checked={form.allVersions} onChange={(e) => change({ allVersions: e.target.checked })} />
            all versions (not only VERSION {cache.version})
          </label>
        ) : null}
        <div className="flex items-center gap-2">
          <button type="submit" className="rounded bg-slate-900 px-3 py-1 text-white disabled:opacity-50" disabled={flow.dryRun.isPending}>
            {flow.dryRun.isPending ? "Counting…" : "Dry run"}
          </button>
          <span className="text-xs text-slate-500">Counts what would go; nothing is deleted.</span>
        </div>
        {flow.dryRun.isError ? (
          <p role="alert" className="text-red-700" data-testid="dry-run-error">
            {flow.dryRun.error.message}
          </p>
        ) : null}
      </form>
      {flow.dry ? <DryRunResult answer={flow.dry.answer} onDelete={flow.ask} /> : null}
      {flow.confirming && flow.dry ? (
        <ConfirmInvalidate
          alias={cache.alias}
          answer={flow.dry.answer}
          busy={flow.start.isPending}
          error={flow.start.isError ? flow.start.error.message : undefined}
          onCancel={flow.cancel}
          onConfirm={flow.confirm}
        />
      ) : null}
    </>
  );
}
