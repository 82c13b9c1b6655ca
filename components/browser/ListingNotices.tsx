"use client";

import { isReconnecting } from "../api-client";
import type { CacheAnswer } from "../types";
import { Notice } from "../ui";

/**
 * Above the rows: the cache is down, its primary is failing over (the listing asks again by itself), the listing failed
 * (with a retry), or some servers of a pool could not be listed.
 */
export function ListingNotices(props: {
  cache: CacheAnswer;
  error: Error | null;
  /** The last failure while the query is still retrying. */
  failure?: Error | null;
  onRetry: () => void;
  serverErrors: [string, string][];
}) {
  const { cache, serverErrors } = props;
  const reconnecting = [props.error, props.failure].find(isReconnecting);
  const error = reconnecting ? null : props.error;
  return (
    <>
      {reconnecting ? (
        <Notice tone="warn" title="Reconnecting: the primary is failing over">
          {reconnecting.message}. The listing asks again by itself; deletes and jobs go to the new primary once it answers.
        </Notice>
      ) : null}
      {!cache.status.ok && !error && !reconnecting ? (
        <Notice tone="error" title={`${cache.alias} is down`}>
          {cache.status.error ?? "its server does not answer"}
        </Notice>
      ) : null}
      {error ? (
        <Notice tone="error" title="Listing failed">
          {error.message}{" "}
          <button className="ml-2 rounded border border-red-300 px-2 py-0.5 text-xs" onClick={props.onRetry}>
            Try again
          </button>
        </Notice>
      ) : null}
      {serverErrors.length ? (
        <Notice tone="warn" title="Some servers could not be listed: their keys are missing below">
          <ul className="mono text-xs">
            {serverErrors.map(([server, message]) => (
              <li key={server}>
                {server}: {message}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
    </>
  );
}

/** Below an empty listing: what was looked for, and where hidden keys may be. */
export function NoKeysNotice({ prefix, hintVersions }: { prefix: string; hintVersions: boolean }) {
  return (
    <Notice tone="info" title="No keys match">
      {prefix ? `Nothing is stored under “${prefix}”.` : "This cache is empty."}{" "}
      {hintVersions ? "Keys written at other VERSIONs are hidden: tick “all versions” to see them." : null}
    </Notice>
  );
}
