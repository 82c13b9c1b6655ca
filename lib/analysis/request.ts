import { z } from "zod";
import { parseBody } from "@/lib/api/query";
import { MAX_SAMPLE, MIN_SAMPLE } from "./run";

/** POST /api/caches/{alias}/analysis: `{}` (or no body) for a full analysis, `{"sample": n}` for an estimate. */
const schema = z
  .object({
    sample: z
      .number({ error: "sample: expected a number of keys" })
      .int("sample: expected an integer")
      .min(MIN_SAMPLE, `sample: at least ${MIN_SAMPLE}`)
      .max(MAX_SAMPLE, `sample: at most ${MAX_SAMPLE}`)
      .optional(),
  })
  .strict();

export type AnalysisRequest = z.output<typeof schema>;

export function parseAnalysisRequest(body: unknown): AnalysisRequest {
  return parseBody(schema, body ?? {});
}
