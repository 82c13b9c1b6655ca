"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

type Mode = "key" | "fragment";

/**
 * Opens one entry by what Django calls it: a key (the app applies KEY_PREFIX and VERSION, and hashes it for
 * FileBasedCache) or a template fragment's name and vary-on values (the key {% cache %} computes).
 */
export function LookupForm({ alias, version }: { alias: string; version: number }) {
  const router = useRouter();
  const [mode, setMode] = useState<Mode>("key");
  const [name, setName] = useState("");
  const [varyOn, setVaryOn] = useState("");
  const [ver, setVer] = useState(String(version));
  const input = "mono rounded border border-slate-300 px-2 py-1";
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const q = new URLSearchParams(mode === "key" ? { key: name } : { fragment: name });
        // Vary-on values are str()-ed by Django; one per line here, like the invalidate page.
        if (mode === "fragment") for (const v of varyOn === "" ? [] : varyOn.split("\n")) q.append("varyOn", v);
        if (ver.trim()) q.set("version", ver.trim());
        router.push(`/caches/${encodeURIComponent(alias)}/entry?${q}`);
      }}
    >
      <select
        value={mode}
        onChange={(e) => setMode(e.target.value as Mode)}
        className="rounded border border-slate-300 px-1 py-1"
        aria-label="Open by"
      >
        <option value="key">Django key</option>
        <option value="fragment">Template fragment</option>
      </select>
      <input
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder={mode === "key" ? "e.g. user:42:profile" : "fragment name, e.g. sidebar"}
        className={`${input} w-64`}
        aria-label={mode === "key" ? "Django key" : "Fragment name"}
      />
      {mode === "fragment" ? (
        <textarea
          value={varyOn}
          onChange={(e) => setVaryOn(e.target.value)}
          rows={1}
          placeholder="vary-on values, one per line"
          className={`${input} w-56`}
          aria-label="Vary-on values"
        />
      ) : null}
      <input value={ver} onChange={(e) => setVer(e.target.value)} className={`${input} w-14`} aria-label="Version" title="VERSION" />
      <button type="submit" disabled={!name} className="rounded bg-slate-900 px-3 py-1 text-white disabled:opacity-50">
        Open
      </button>
    </form>
  );
}
