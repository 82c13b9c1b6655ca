import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";

/** X-Forwarded-* headers a client could send to pose as another host, scheme or address. */
const FORWARDED = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded", "x-real-ip"];

const holder = globalThis as unknown as { __cachescopeForwardedGuard?: boolean };

/**
 * Without a trusted proxy, drops the client's forwarded headers as each request arrives, before Next.js reads
 * them: Next then fills X-Forwarded-For/Host/Proto from the socket itself, so they are true (it only fills them
 * when absent). Node publishes this channel synchronously before the "request" event.
 */
export function guardForwardedHeaders(trustProxy: boolean): void {
  if (trustProxy || holder.__cachescopeForwardedGuard) return;
  holder.__cachescopeForwardedGuard = true;
  subscribe("http.server.request.start", (message) => {
    const request = (message as { request?: IncomingMessage }).request;
    if (!request) return;
    for (const name of FORWARDED) delete request.headers[name];
  });
}

/** Headers as route handlers see them. */
export interface HeaderSource {
  get(name: string): string | null;
}

/**
 * The client's address: behind a trusted proxy the last X-Forwarded-For entry (the one that proxy added);
 * otherwise the first, which Next.js set from the socket once guardForwardedHeaders removed the client's own.
 */
export function clientAddress(headers: HeaderSource, trustProxy: boolean): string | null {
  const list = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) return null;
  return trustProxy ? list[list.length - 1]! : list[0]!;
}

/** scheme://host of this site: from X-Forwarded-Host/Proto only behind a trusted proxy, else the Host header over http. */
export function siteOrigin(headers: HeaderSource, fallbackHost: string, trustProxy: boolean): string {
  const first = (name: string) => headers.get(name)?.split(",")[0]?.trim() || null;
  const host = (trustProxy ? first("x-forwarded-host") : null) ?? headers.get("host") ?? fallbackHost;
  // `next start` serves plain http: https here means a proxy ended TLS, which only a trusted one may say.
  const proto = trustProxy ? first("x-forwarded-proto") : null;
  return `${proto === "https" ? "https" : "http"}://${host}`;
}
