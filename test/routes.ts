import { NextRequest, type NextResponse } from "next/server";

/**
 * Calling the app's real route handlers in a test, with a server context built afresh from the environment given
 * (auth, config, audit log path: all as in production).
 */

export type Handler<P> = (req: NextRequest, segment: { params: Promise<P> }) => Promise<NextResponse> | NextResponse;

const holder = globalThis as unknown as { __cachescope?: unknown; __cachescopeStats?: { stop(): void } };

export interface ServerEnv {
  restore(): void;
}

/** Replaces the process environment's Cachescope settings and drops the cached server context; restore() undoes it. */
export function withServerEnv(env: Record<string, string>): ServerEnv {
  const saved = { ...process.env };
  holder.__cachescope = undefined;
  Object.assign(process.env, env);
  return {
    restore() {
      process.env = saved;
      holder.__cachescope = undefined;
      holder.__cachescopeStats?.stop();
      holder.__cachescopeStats = undefined;
    },
  };
}

export interface Call {
  status: number;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export async function callRoute<P>(
  handler: Handler<P>,
  url: string,
  opts: { method?: string; params?: P; body?: unknown; token?: string } = {},
): Promise<Call> {
  const req = new NextRequest(new URL(url, "http://localhost"), {
    method: opts.method ?? "GET",
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const res = await handler(req, { params: Promise.resolve((opts.params ?? {}) as P) });
  const text = await res.text();
  return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
}
