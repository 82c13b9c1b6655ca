"use client";

import type { ReactNode } from "react";
import type { CacheAnswer } from "../types";
import { Notice } from "../ui";
import type { Action, FormState } from "./targets";

function Field(props: { label: string; hint?: string; children: ReactNode }) {
  return (
    <label className="block space-y-1">
      <span className="text-xs font-medium text-slate-700">{props.label}</span>
      {props.children}
      {props.hint ? <span className="block text-xs text-slate-500">{props.hint}</span> : null}
    </label>
  );
}

const INPUT = "mono w-full rounded border border-slate-300 px-2 py-1 disabled:bg-slate-100";

interface FieldsProps {
  cache: CacheAnswer;
  form: FormState;
  change: (patch: Partial<FormState>) => void;
  /** The cache can list keys by name: every variant is found; otherwise exact keys are computed. */
  listable: boolean;
}

function PrefixFields({ cache, form, change }: FieldsProps) {
  const versionText = form.allVersions ? "every version" : `version ${cache.version}`;
  return (
    <Field
      label="Django key prefix"
      hint={`Keys under KEY_PREFIX “${cache.keyPrefix}” at ${versionText} whose key starts with this, matched literally (no wildcards).`}
    >
      <input
        className={INPUT}
        value={form.prefix}
        onChange={(e) => change({ prefix: e.target.value })}
        aria-label="Django key prefix"
        placeholder="e.g. report:2024:"
      />
    </Field>
  );
}

function UrlFields({ form, change, listable }: FieldsProps) {
  return (
    <>
      <Field
        label="URL"
        hint="As Django sees it (scheme://host/path?query). Behind a TLS proxy without SECURE_PROXY_SSL_HEADER, Django sees http://."
      >
        <input
          className={INPUT}
          value={form.url}
          onChange={(e) => change({ url: e.target.value })}
          aria-label="URL"
          placeholder="https://example.com/products/?page=2"
        />
      </Field>
      <Field label="cache_page key_prefix" hint="cache_page(key_prefix=…) or CACHE_MIDDLEWARE_KEY_PREFIX; empty by default.">
        <input
          className={INPUT}
          value={form.pageKeyPrefix}
          onChange={(e) => change({ pageKeyPrefix: e.target.value })}
          aria-label="cache_page key_prefix"
        />
      </Field>
      {listable ? (
        <p className="text-xs text-slate-500">
          Deletes every cached variant of the page (GET and HEAD, any Vary headers, language and time zone) and its header keys.
        </p>
      ) : (
        <>
          <Notice tone="warn" title="Only exact keys can be computed here">
            This cache cannot list keys by name, so the page keys (which contain a hash of the request headers) cannot be found. The URL’s
            header keys are computed for the languages and time zones below; deleting them makes Django miss the page and render it afresh.
          </Notice>
          <Field label="Languages (one per line, e.g. en-us)" hint="With USE_I18N Django adds the request’s language to the key.">
            <textarea
              className={INPUT}
              rows={2}
              value={form.languages}
              onChange={(e) => change({ languages: e.target.value })}
              aria-label="Languages"
            />
          </Field>
          <Field label="Time zones (one per line, e.g. UTC)" hint="With USE_TZ Django adds the current time zone name.">
            <textarea
              className={INPUT}
              rows={2}
              value={form.timezones}
              onChange={(e) => change({ timezones: e.target.value })}
              aria-label="Time zones"
            />
          </Field>
        </>
      )}
    </>
  );
}

function FragmentFields({ form, change, listable }: FieldsProps) {
  return (
    <>
      <Field label="Fragment name" hint="The name in {% cache 600 name … %}.">
        <input
          className={INPUT}
          value={form.fragmentName}
          onChange={(e) => change({ fragmentName: e.target.value })}
          aria-label="Fragment name"
        />
      </Field>
      <label className="flex items-center gap-2 text-xs">
        <input
          type="checkbox"
          checked={form.useVaryOn || !listable}
          disabled={!listable}
          onChange={(e) => change({ useVaryOn: e.target.checked })}
        />
        only the variant for these vary-on values{" "}
        {listable ? "(unticked: every variant of the name)" : "(this cache cannot list every variant)"}
      </label>
      {form.useVaryOn || !listable ? (
        <Field label="Vary-on values, one per line, as Python’s str() prints them">
          <textarea
            className={INPUT}
            rows={3}
            value={form.varyOn}
            onChange={(e) => change({ varyOn: e.target.value, useVaryOn: true })}
            aria-label="Vary-on values"
          />
        </Field>
      ) : null}
    </>
  );
}

function ClearNotice({ cache, listable }: FieldsProps) {
  return (
    <Notice tone="warn" title="Clear this cache">
      {listable
        ? cache.keyPrefix === ""
          ? "Deletes every key starting with “:” (KEY_PREFIX is empty) at every version — also those of other apps sharing this database with an empty KEY_PREFIX. Never FLUSHDB: keys not starting with “:” stay."
          : `Deletes every key starting with “${cache.keyPrefix}:” at every version. Other keys on the server stay (no FLUSHDB).`
        : "Deletes every entry file of this cache’s directory."}
    </Notice>
  );
}

function ExpiredNotice() {
  return (
    <Notice tone="info" title="Delete entries past their expiry">
      Django deletes an expired file only when something reads its key; until then it takes disk space and counts against MAX_ENTRIES. A
      file rewritten with a fresh expiry since the count stays.
    </Notice>
  );
}

const FIELDS: Record<Action, (props: FieldsProps) => ReactNode> = {
  prefix: PrefixFields,
  url: UrlFields,
  fragment: FragmentFields,
  clear: ClearNotice,
  expired: ExpiredNotice,
};

/** The inputs (or the explanation) of one target. */
export function TargetFields({ action, ...props }: FieldsProps & { action: Action }) {
  const Fields = FIELDS[action];
  return <Fields {...props} />;
}
