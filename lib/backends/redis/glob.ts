/**
 * Redis glob patterns (MATCH of SCAN, KEYS) treat `*`, `?`, `[`, `]` and `\` specially. A prefix typed by an
 * operator must match literally, or a purge of `report[2024]` would also hit `report2`: every special character
 * gets a backslash, which Redis's stringmatchlen reads as "the next character, literally".
 */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** The SCAN MATCH pattern selecting every key that starts with `prefix`, literally. */
export function prefixPattern(prefix: string): string {
  return `${escapeGlob(prefix)}*`;
}
