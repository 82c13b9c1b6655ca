import { z } from "zod";

/** Query strings of the stats routes. */

const seconds = (name: string, fallback: number) =>
  z.coerce
    .number()
    .int(`${name}: expected a whole number of seconds`)
    .min(1, `${name}: at least 1`)
    .max(3600, `${name}: at most 3600 (the history keeps one hour)`)
    .default(fallback);

export const statsQuery = z.object({ window: seconds("window", 60) });

export const historyQuery = z.object({
  seconds: seconds("seconds", 3600),
  server: z.string().min(1, "server: expected host:port").max(1024, "server: at most 1024 characters").optional(),
  since: z.coerce.number().int("since: expected ms since the epoch").min(0, "since: expected ms since the epoch").optional(),
});
