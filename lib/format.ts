/** Display helpers shared by pages (pure: safe to import in client components). */

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatTtl(ttl: number | null | undefined): string {
  if (ttl === undefined) return "—";
  if (ttl === null) return "never";
  if (ttl < 0) return "expired";
  if (ttl < 60) return `${Math.round(ttl)}s`;
  if (ttl < 3600) return `${Math.floor(ttl / 60)}m ${Math.round(ttl % 60)}s`;
  if (ttl < 86400) return `${Math.floor(ttl / 3600)}h ${Math.floor((ttl % 3600) / 60)}m`;
  return `${Math.floor(ttl / 86400)}d ${Math.floor((ttl % 86400) / 3600)}h`;
}

export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}
