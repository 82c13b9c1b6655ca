import type { HealthReport } from "../types";
import type { FileCacheHealth } from "./maintenance";
import { formatBytes } from "@/lib/format";

/** What a person should know about a FileBasedCache directory, in Django's terms. */
export function fileHealthReport(h: FileCacheHealth): HealthReport {
  const warnings: string[] = [];
  if (h.atCap) {
    const share = h.cullFrequency === 0 ? "all entries" : `a random 1/${h.cullFrequency} of all entries`;
    warnings.push(
      `At MAX_ENTRIES (${h.entries} of ${h.maxEntries}): Django deletes ${share} — expired or not — before every write. Raise OPTIONS MAX_ENTRIES or move to Redis or memcached.`,
    );
  } else if (h.entries >= h.maxEntries * 0.9) {
    warnings.push(`Near MAX_ENTRIES (${h.entries} of ${h.maxEntries}): culling starts at the cap.`);
  }
  if (h.unreadable) warnings.push(`${h.unreadable} file(s) are not Django cache entries or cannot be read.`);
  if (h.tempFiles) warnings.push(`${h.tempFiles} leftover temp file(s) of interrupted writes in the directory.`);
  if (h.notRegular) {
    warnings.push(
      `${h.notRegular} ".djcache" name(s) are symlinks or directories, not files Django wrote: Cachescope neither follows, shows nor deletes them. Someone with write access to the directory may have planted them.`,
    );
  }
  return {
    facts: [
      { label: "Entries / MAX_ENTRIES", value: `${h.entries} / ${h.maxEntries}`, warn: h.atCap },
      { label: "CULL_FREQUENCY", value: String(h.cullFrequency) },
      { label: "Total on disk", value: formatBytes(h.totalBytes) },
      { label: "Expired (not yet deleted)", value: String(h.expired) },
      { label: "Unreadable", value: String(h.unreadable), warn: h.unreadable > 0 },
      { label: "Directory", value: h.directory },
    ],
    warnings,
  };
}
