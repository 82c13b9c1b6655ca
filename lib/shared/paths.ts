import path from "node:path";

/** ../shared beside the project (CI lays a copy there); CACHESCOPE_SHARED overrides it. */
export function sharedDir(): string {
  return process.env.CACHESCOPE_SHARED ?? path.resolve(process.cwd(), "../shared");
}
