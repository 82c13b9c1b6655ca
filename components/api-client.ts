"use client";

/** An error answer from the Cachescope API (shared/API.md error shape). */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A 503 "reconnecting": the cache's primary is failing over (Sentinel, Cluster); the same request works again shortly. */
export function isReconnecting(e: unknown): e is ApiClientError {
  return e instanceof ApiClientError && e.code === "reconnecting";
}

let redirecting = false;

/** fetch for our own API: JSON in and out; 401 sends the person to the login page and back. */
export async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { "content-type": "application/json", ...(init?.headers ?? {}) },
    credentials: "same-origin",
  });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiClientError(res.status, "bad_response", `the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401 && typeof window !== "undefined" && !window.location.pathname.startsWith("/login") && !redirecting) {
      // Several queries fail at once on a page: send the person to the login page once, not once per query.
      redirecting = true;
      window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
    }
    throw new ApiClientError(res.status, err?.code ?? "error", err?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}
