import { z } from "zod";
import { parseBody } from "@/lib/api/query";
import { MAX_SAMPLE, MIN_SAMPLE } from "./run";

/** POST /api/caches/{alias}/analysis: `{}` (or no body) for a full analysis, `{"sample": n}` for an estimate. */
const schema = z
  .object({
    sample: z
      .number({ error: "expected a number of keys" })
      .int("expected an integer")
      .min(MIN_SAMPLE, `at least ${MIN_SAMPLE}`)
      .max(MAX_SAMPLE, `at most ${MAX_SAMPLE}`)
      .optional(),
  })
  .strict();

export type AnalysisRequest = z.output<typeof schema>;

export function parseAnalysisRequest(body: unknown): AnalysisRequest {
  return parseBody(schema, body ?? {});
}
