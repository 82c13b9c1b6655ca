"use client";

import { useSearchParams } from "next/navigation";
import { Suspense, useRef, useState, type FormEvent } from "react";
import { safeNext } from "@/lib/auth/redirect";
import { api } from "../api-client";

function Form() {
  const params = useSearchParams();
  // Uncontrolled: a token typed (or pasted) before the page hydrated is still there when the form is sent.
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(params.get("error") === "invalid" ? "That token is not valid." : null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const token = input.current?.value ?? "";
    if (!token) {
      setError("Paste the token first.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api("/api/login", { method: "POST", body: JSON.stringify({ token }) });
      window.location.assign(safeNext(params.get("next"), window.location.origin));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-2">
      <label className="block">
        <span className="text-xs text-slate-600">Token</span>
        <input type="password" autoFocus ref={input} required className="mono mt-1 w-full rounded border border-slate-300 px-2 py-1.5" />
      </label>
      {error ? (
        <p role="alert" className="text-red-700">
          {error}
        </p>
      ) : null}
      <button disabled={busy} className="rounded bg-slate-900 px-3 py-1.5 text-white disabled:opacity-50">
        {busy ? "Logging in…" : "Log in"}
      </button>
    </form>
  );
}

export function LoginForm() {
  return (
    <Suspense>
      <Form />
    </Suspense>
  );
}
