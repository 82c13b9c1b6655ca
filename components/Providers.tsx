"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { ApiClientError, isReconnecting } from "./api-client";

/** A failover lasts seconds: a query that met one keeps asking this many times, this far apart, before it shows the error. */
const RECONNECT_RETRIES = 10;
const RECONNECT_DELAY_MS = 1_500;

export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            refetchOnWindowFocus: false,
            // An answer from our API (bad input, not found, a cache that is down) does not get better by asking again
            // at once: the pages poll where it matters. Only a request that got no answer is tried once more, and one
            // that met a failover ("reconnecting") is tried until the new primary answers.
            retry: (count, e) => (isReconnecting(e) ? count < RECONNECT_RETRIES : !(e instanceof ApiClientError) && count < 1),
            retryDelay: (count, e) => (isReconnecting(e) ? RECONNECT_DELAY_MS : Math.min(1000 * 2 ** count, 30_000)),
          },
        },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
