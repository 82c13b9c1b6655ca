"use client";

import { useState } from "react";
import type { Role } from "@/lib/auth/access";
import type { Person } from "@/lib/auth/django";
import { api } from "../api-client";

/** The signed-in person's name (Sign in with Django), role and a Log out that ends the session on the server, not only in this browser. */
export function SessionMenu({ role, person }: { role: Role; person?: Person }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function logOut() {
    setBusy(true);
    setError(null);
    try {
      await api("/api/logout", { method: "POST" });
      window.location.assign("/login");
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <div className="ml-auto flex items-center gap-3">
      {person ? (
        <span className="text-slate-200" title={`Django user #${person.userId}`} data-testid="session-person">
          {person.username}
        </span>
      ) : null}
      <span
        className={`rounded px-1.5 py-0.5 text-xs ${role === "viewer" ? "bg-amber-200 text-amber-900" : "bg-slate-700 text-slate-200"}`}
        title={role === "viewer" ? "Signed in read-only: nothing can be changed" : "Signed in as admin"}
        data-testid="session-role"
      >
        {role}
      </span>
      <button type="button" onClick={logOut} disabled={busy} className="text-slate-300 hover:text-white disabled:opacity-50">
        {busy ? "Logging out…" : "Log out"}
      </button>
      {error && <span className="text-xs text-red-300">{error}</span>}
    </div>
  );
}
