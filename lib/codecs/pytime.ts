import { pyFloatRepr } from "./pyrepr";

/**
 * datetime / date / time / timedelta from their pickled state, formatted as Python's isoformat() and
 * str(total_seconds()). Time zones are never looked up in Python: pytz and datetime.timezone carry their offset in the
 * pickle; zoneinfo carries only a zone name, whose offset at the instant comes from the ICU data behind Intl.
 */

/** A tzinfo as pickled: a fixed offset in seconds, a zone name, or unknown. */
export type TzInfo = { kind: "fixed"; offsetSeconds: number } | { kind: "zone"; name: string } | { kind: "unknown" };

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
  fold: 0 | 1;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

/** datetime's 10-byte state: year (2 bytes BE), month (bit 7 = fold), day, hour, minute, second, microsecond (3 BE). */
export function wallFromDatetimeState(b: Uint8Array): WallTime | null {
  if (b.length !== 10) return null;
  const w: WallTime = {
    year: b[0] * 256 + b[1],
    month: b[2] & 0x7f,
    day: b[3],
    hour: b[4],
    minute: b[5],
    second: b[6],
    microsecond: (b[7] << 16) | (b[8] << 8) | b[9],
    fold: b[2] & 0x80 ? 1 : 0,
  };
  return validWall(w) ? w : null;
}

function validWall(w: WallTime): boolean {
  return (
    w.year >= 1 &&
    w.year <= 9999 &&
    w.month >= 1 &&
    w.month <= 12 &&
    w.day >= 1 &&
    w.day <= 31 &&
    w.hour < 24 &&
    w.minute < 60 &&
    w.second < 60 &&
    w.microsecond < 1_000_000
  );
}

export function dateFromState(b: Uint8Array): string | null {
  if (b.length !== 4 || b[2] < 1 || b[2] > 12 || b[3] < 1 || b[3] > 31) return null;
  return `${pad(b[0] * 256 + b[1], 4)}-${pad(b[2])}-${pad(b[3])}`;
}

function clock(hour: number, minute: number, second: number, microsecond: number): string {
  const base = `${pad(hour)}:${pad(minute)}:${pad(second)}`;
  return microsecond ? `${base}.${pad(microsecond, 6)}` : base;
}

/** isoformat() of a UTC offset: ±HH:MM[:SS]. */
export function formatOffset(seconds: number): string {
  const sign = seconds < 0 ? "-" : "+";
  const abs = Math.abs(seconds);
  const h = Math.floor(abs / 3600);
  const m = Math.floor((abs % 3600) / 60);
  const s = Math.round(abs % 60);
  return `${sign}${pad(h)}:${pad(m)}${s ? `:${pad(s)}` : ""}`;
}

export function datetimeIso(w: WallTime, tz: TzInfo | null): string {
  const base = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${clock(w.hour, w.minute, w.second, w.microsecond)}`;
  const offset = tz === null ? null : offsetFor(w, tz);
  return offset === null ? base : base + formatOffset(offset);
}

/** time's 6-byte state: hour (bit 7 = fold), minute, second, microsecond (3 BE). */
export function timeFromState(b: Uint8Array, tz: TzInfo | null): string | null {
  if (b.length !== 6) return null;
  const hour = b[0] & 0x7f;
  if (hour > 23 || b[1] > 59 || b[2] > 59) return null;
  const micro = (b[3] << 16) | (b[4] << 8) | b[5];
  if (micro >= 1_000_000) return null;
  const base = clock(hour, b[1], b[2], micro);
  // A time with a named zone has no utcoffset() (it depends on a date), so isoformat() shows none.
  return tz?.kind === "fixed" ? base + formatOffset(tz.offsetSeconds) : base;
}

/** str(timedelta.total_seconds()). */
export function timedeltaSeconds(days: bigint, seconds: bigint, microseconds: bigint): string {
  const micros = (days * BigInt(86400) + seconds) * BigInt(1_000_000) + microseconds;
  return pyFloatRepr(Number(micros) / 1e6);
}

function offsetFor(w: WallTime, tz: TzInfo): number | null {
  if (tz.kind === "fixed") return tz.offsetSeconds;
  if (tz.kind === "zone") return zoneOffsetForWall(tz.name, w);
  return null;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  if (!formatters.has(zone)) {
    let f: Intl.DateTimeFormat | null = null;
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone: zone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
        era: "short",
      });
    } catch {
      f = null;
    }
    // Zone names come from cache data: cap the cache so odd names cannot grow it without bound.
    if (formatters.size > 500) formatters.clear();
    formatters.set(zone, f);
  }
  return formatters.get(zone) ?? null;
}

/** The zone's UTC offset in seconds at a UTC instant (ms). */
function offsetAtInstant(f: Intl.DateTimeFormat, utcMs: number): number {
  const parts: Record<string, number> = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  let bc = false;
  for (const p of f.formatToParts(new Date(utcMs))) {
    if (p.type === "era") bc = p.value === "BC" || p.value === "B";
    else if (p.type in parts) parts[p.type] = Number(p.value);
  }
  const year = bc ? 1 - parts.year : parts.year;
  const asUtc = wallMs(year, parts.month, parts.day, parts.hour, parts.minute, parts.second);
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 1000);
}

function wallMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/**
 * The offset of a local wall time in a zone, with Python's fold rule (PEP 495): in a repeated hour fold=0 takes the
 * earlier (pre-transition) offset and fold=1 the later; in a skipped hour fold=0 takes the pre-transition offset.
 */
function zoneOffsetForWall(zone: string, w: WallTime): number | null {
  const f = formatterFor(zone);
  if (f === null) return null;
  const wall = wallMs(w.year, w.month, w.day, w.hour, w.minute, w.second);
  const day = 86_400_000;
  const before = offsetAtInstant(f, wall - day);
  const after = offsetAtInstant(f, wall + day);
  const fits = (o: number): boolean => offsetAtInstant(f, wall - o * 1000) === o;
  const [first, second] = w.fold === 0 ? [before, after] : [after, before];
  if (fits(first)) return first;
  if (fits(second)) return second;
  return w.fold === 0 ? before : after;
}
