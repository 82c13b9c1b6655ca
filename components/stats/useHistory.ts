"use client";

import { useQuery } from "@tanstack/react-query";
import { useRef } from "react";
import { api } from "../api-client";
import { queryKeys } from "../query-keys";
import { mergeHistory } from "./history";
import type { HistoryAnswer, HistoryPoint } from "./types";

export const POLL_MS = 2000;

/**
 * The last `seconds` of a cache's (or one server's) history, kept current: the first request fetches the range,
 * later ones only what is newer than the last point held.
 */
export function useHistory(alias: string, seconds: number, server: string | null, { pollMs = POLL_MS, enabled = true } = {}) {
  const held = useRef<{ key: string; points: HistoryPoint[] }>({ key: "", points: [] });
  const key = `${alias}\n${server ?? ""}\n${seconds}`;
  return useQuery({
    queryKey: queryKeys.statsHistory(alias, server, seconds),
    queryFn: async () => {
      const mine = held.current.key === key ? held.current.points : [];
      const qs = new URLSearchParams({ seconds: String(seconds) });
      if (server) qs.set("server", server);
      if (mine.length) qs.set("since", String(mine[mine.length - 1].t));
      const answer = await api<HistoryAnswer>(`/api/caches/${encodeURIComponent(alias)}/stats/history?${qs}`);
      const points = mergeHistory(mine, answer.points, seconds);
      held.current = { key, points };
      return { ...answer, points };
    },
    refetchInterval: pollMs,
    enabled,
  });
}
