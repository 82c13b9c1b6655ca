import { z } from "zod";
import { MAX_NAME_CHARS, RETENTION_SECONDS } from "./format";

/** Query strings of the namespaces routes. */

export const namespacesQuery = z.object({
  window: z.coerce
    .number({ error: "window: expected a whole number of seconds" })
    .int("window: expected a whole number of seconds")
    .min(10, "window: at least 10 (one bucket)")
    .max(RETENTION_SECONDS, `window: at most ${RETENTION_SECONDS} (buckets expire after 3 hours)`)
    .default(60),
});

export const namespaceHistoryQuery = z.object({
  /** Absent: every namespace summed (the alias's own ratio over time). */
  name: z
    .string()
    .min(1, "name: must not be empty (leave it out for every namespace summed)")
    .max(MAX_NAME_CHARS, `name: at most ${MAX_NAME_CHARS} characters`)
    .optional(),
  since: z.coerce
    .number({ error: "since: expected ms since the epoch" })
    .int("since: expected ms since the epoch")
    .min(0, "since: expected ms since the epoch")
    .optional(),
});
