"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

/** Opens one entry by its Django key: the app applies KEY_PREFIX and VERSION (and hashes it, for FileBasedCache). */
export function LookupForm({ alias, version }: { alias: string; version: number }) {
  const router = useRouter();
  const [key, setKey] = useState("");
  const [ver, setVer] = useState(String(version));
  return (
    <form
      className="flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        const q = new URLSearchParams({ key });
        if (ver.trim()) q.set("version", ver.trim());
        router.push(`/caches/${encodeURIComponent(alias)}/entry?${q}`);
      }}
    >
      <label className="flex items-center gap-2">
        <span className="text-xs text-slate-600">Django key</span>
        <input
          value={key}
          onChange={(e) => setKey(e.target.value)}
          placeholder="e.g. user:42:profile"
          className="mono w-80 rounded border border-slate-300 px-2 py-1"
          aria-label="Django key"
        />
      </label>
      <label className="flex items-center gap-2">
        <span className="text-xs text-slate-600">version</span>
        <input value={ver} onChange={(e) => setVer(e.target.value)} className="mono w-14 rounded border border-slate-300 px-2 py-1" aria-label="Version" />
      </label>
      <button type="submit" disabled={!key} className="rounded bg-slate-900 px-3 py-1 text-white disabled:opacity-50">
        Open
      </button>
    </form>
  );
}
