import { z } from "zod";
import { parseBody } from "@/lib/api/query";
import { DEFAULT_KEYS, MAX_KEYS, MIN_KEYS } from "./run";

/** POST /api/caches/{alias}/probe: `{"confirm": true}`, optionally `"keys"` (keys per size and client count). */
const schema = z
  .object({
    confirm: z.literal(true, {
      error: 'the probe writes, reads and deletes keys in this cache: send {"confirm": true} to start it',
    }),
    keys: z
      .number({ error: "expected a number of keys per size and client count" })
      .int("expected an integer")
      .min(MIN_KEYS, `at least ${MIN_KEYS}`)
      .max(MAX_KEYS, `at most ${MAX_KEYS}`)
      .default(DEFAULT_KEYS),
  })
  .strict();

export type ProbeRequest = z.output<typeof schema>;

export function parseProbeRequest(body: unknown): ProbeRequest {
  return parseBody(schema, body ?? {});
}
