import { z } from "zod";
import { badRequest } from "./errors";

const flag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((v) => v === "1" || v === "true");

export const keysQuery = z.object({
  prefix: z.string().max(2048, "prefix: at most 2048 characters").default(""),
  cursor: z
    .string()
    .max(4096)
    .optional()
    .transform((v) => (v ? v : null)),
  count: z.coerce.number().int("count: expected an integer").min(1, "count: at least 1").max(1000, "count: at most 1000").default(100),
  allVersions: flag,
  raw: flag,
  sort: z.enum(["name", "size", "expiry"], { error: "sort: expected name, size or expiry" }).optional(),
  noExpiry: flag,
});

export const entryQuery = z.object({
  key: z.string().max(65536).optional(),
  version: z.coerce.number().int("version: expected an integer").optional(),
  raw: z.string().max(65536).optional(),
  file: z
    .string()
    .regex(/^[0-9a-f]{32}$/, "file: expected the 32 lowercase hex characters of a .djcache name")
    .optional(),
  fragment: z.string().min(1, "fragment: must not be empty").max(512).optional(),
});

/** varyOn repeats (…&varyOn=a&varyOn=b), which a plain object of the query cannot hold. */
export function varyOnValues(params: URLSearchParams): string[] {
  return params.getAll("varyOn");
}

/** Validates URL query parameters, answering 400 with every problem named. */
export function parseQuery<S extends z.ZodType>(schema: S, params: URLSearchParams): z.output<S> {
  const obj: Record<string, string> = {};
  for (const [k, v] of params) obj[k] = v;
  const r = schema.safeParse(obj);
  if (!r.success) throw badRequest(r.error.issues.map((i) => i.message).join("; "));
  return r.data;
}

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    throw badRequest(r.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "));
  }
  return r.data;
}
