"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { queryKeys } from "../query-keys";
import { dryRunInvalidate, startInvalidate } from "./api";
import type { DryRunResult, InvalidateRequest } from "./types";

type Body = Omit<InvalidateRequest, "dryRun">;

/**
 * Dry run, then confirm, then start: the deletion is always the exact body the dry run counted. Once started, the
 * cache's job list is refreshed so the new job shows at once.
 */
export function useInvalidate(alias: string) {
  const client = useQueryClient();
  const [dry, setDry] = useState<{ body: Body; answer: DryRunResult } | null>(null);
  const [confirming, setConfirming] = useState(false);
  const dryRun = useMutation({
    mutationFn: (body: Body) => dryRunInvalidate(alias, body).then((answer) => ({ body, answer })),
    onSuccess: setDry,
  });
  const start = useMutation({
    mutationFn: (body: Body) => startInvalidate(alias, body),
    onSuccess: () => {
      setConfirming(false);
      setDry(null);
      void client.invalidateQueries({ queryKey: queryKeys.jobs(alias) });
    },
  });
  return {
    dry,
    dryRun,
    start,
    confirming,
    /** A dry run answers for the exact form it was run with: any change asks for a new one. */
    forget: () => {
      setDry(null);
      dryRun.reset();
    },
    ask: () => setConfirming(true),
    cancel: () => {
      setConfirming(false);
      start.reset();
    },
    confirm: () => {
      if (dry) start.mutate(dry.body);
    },
  };
}
