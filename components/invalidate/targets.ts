import type { Capabilities } from "@/lib/backends/types";
import type { Target, TargetKind } from "./types";

/** The targets the Invalidate page offers (keys and oldVersions are reached from other pages). */
export type Action = Exclude<TargetKind, "keys" | "oldVersions">;

export interface TargetChoice {
  id: Action;
  label: string;
  /** Why this backend cannot do it; absent when it can. */
  unavailable?: string;
}

const LABELS: { id: Action; label: string }[] = [
  { id: "prefix", label: "Key prefix" },
  { id: "url", label: "URL (cache_page)" },
  { id: "fragment", label: "Template fragment" },
  { id: "clear", label: "Clear cache" },
  { id: "expired", label: "Expired entries" },
];

/** Flag actions act on the whole cache: no version choice. */
export const WHOLE_CACHE: readonly Action[] = ["clear", "expired"];

function noPrefix(backend: string, caps: Capabilities): string {
  if (caps.keyNames === false)
    return `${backend} cannot match keys by prefix (FileBasedCache names each file by the md5 of its key). Use URL, a fragment with its vary-on values, or delete single entries.`;
  return `${backend} cannot match keys by prefix: ${caps.unlistedReason ?? "it cannot list its keys"}. Use URL, a fragment with its vary-on values, or delete single entries.`;
}

/**
 * The targets shown for a backend, in order, each saying whether it can be done. Expired entries linger only where the
 * backend does not drop them itself (files), so that target is not shown elsewhere.
 */
export function targetChoices(backend: string, caps: Capabilities): TargetChoice[] {
  return LABELS.filter((t) => t.id !== "expired" || caps.keyNames === false).map((t) =>
    t.id === "prefix" && !caps.invalidatePrefix ? { ...t, unavailable: noPrefix(backend, caps) } : t,
  );
}

/**
 * The target the page opens on: the one asked for in the URL when this backend can do it, else the first it can do,
 * with a note saying why the asked one was passed over.
 */
export function openingTarget(asked: string | null, choices: TargetChoice[]): { action: Action; note: string | null } {
  const first = choices.find((c) => !c.unavailable)?.id ?? "url";
  if (asked === null) return { action: first, note: null };
  const wanted = choices.find((c) => c.id === asked);
  if (wanted && !wanted.unavailable) return { action: wanted.id, note: null };
  const firstLabel = choices.find((c) => c.id === first)?.label ?? first;
  const why = wanted ? wanted.unavailable : `“${asked}” is not a target of this cache.`;
  return { action: first, note: `${why} Opened on “${firstLabel}” instead.` };
}

export interface FormState {
  prefix: string;
  url: string;
  pageKeyPrefix: string;
  languages: string;
  timezones: string;
  fragmentName: string;
  useVaryOn: boolean;
  varyOn: string;
  allVersions: boolean;
}

export const EMPTY_FORM: FormState = {
  prefix: "",
  url: "",
  pageKeyPrefix: "",
  languages: "",
  timezones: "",
  fragmentName: "",
  useVaryOn: false,
  varyOn: "",
  allVersions: false,
};

/** Lines of a textarea, trimmed, empty ones dropped. */
function lines(text: string): string[] {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

/** The request's target for the form as filled; `listable` caches find every variant, others get exact keys computed. */
export function targetOf(action: Action, f: FormState, listable: boolean): Target {
  switch (action) {
    case "prefix":
      return { prefix: f.prefix };
    case "url":
      return {
        url: f.url,
        ...(f.pageKeyPrefix ? { keyPrefix: f.pageKeyPrefix } : {}),
        ...(!listable && lines(f.languages).length ? { languages: lines(f.languages) } : {}),
        ...(!listable && lines(f.timezones).length ? { timezones: lines(f.timezones) } : {}),
      };
    case "fragment":
      return {
        fragment: f.useVaryOn ? { name: f.fragmentName, varyOn: f.varyOn === "" ? [] : f.varyOn.split("\n") } : { name: f.fragmentName },
      };
    case "clear":
      return { clear: true };
    case "expired":
      return { expired: true };
  }
}
