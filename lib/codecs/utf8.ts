/**
 * UTF-8 → string the way pickle reads BINUNICODE: strict, except that encoded surrogates (ED A0..BF xx) are allowed
 * ("surrogatepass"), because Python pickles a str holding a lone surrogate that way. Returns null on invalid UTF-8.
 */
const strict = new TextDecoder("utf-8", { fatal: true });

export function decodeUtf8SurrogatePass(b: Uint8Array): string | null {
  // Most pickled strings are short ASCII (dict keys, names): skip TextDecoder's per-call cost for them.
  if (b.length <= 64) {
    let ascii = true;
    for (let i = 0; i < b.length && ascii; i++) ascii = b[i] < 0x80;
    if (ascii) return String.fromCharCode(...b);
  }
  try {
    return strict.decode(b);
  } catch {
    return slowDecode(b);
  }
}

function slowDecode(b: Uint8Array): string | null {
  const units: number[] = [];
  let out = "";
  const flush = (): void => {
    out += String.fromCharCode(...units);
    units.length = 0;
  };
  const cont = (i: number): number => (i < b.length && (b[i] & 0xc0) === 0x80 ? b[i] & 0x3f : -1);
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let cp: number;
    let n: number;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c >= 0xc2 && c < 0xe0) {
      const c1 = cont(i + 1);
      if (c1 < 0) return null;
      cp = ((c & 0x1f) << 6) | c1;
      n = 2;
    } else if (c >= 0xe0 && c < 0xf0) {
      const c1 = cont(i + 1);
      const c2 = cont(i + 2);
      if (c1 < 0 || c2 < 0) return null;
      cp = ((c & 0x0f) << 12) | (c1 << 6) | c2;
      if (cp < 0x800) return null;
      n = 3;
    } else if (c >= 0xf0 && c < 0xf5) {
      const c1 = cont(i + 1);
      const c2 = cont(i + 2);
      const c3 = cont(i + 3);
      if (c1 < 0 || c2 < 0 || c3 < 0) return null;
      cp = ((c & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
      if (cp < 0x10000 || cp > 0x10ffff) return null;
      n = 4;
    } else return null;
    if (cp > 0xffff) {
      cp -= 0x10000;
      units.push(0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
    } else units.push(cp);
    if (units.length > 4096) flush();
    i += n;
  }
  flush();
  return out;
}
