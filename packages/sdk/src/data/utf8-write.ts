/**
 * Writes `s` as UTF-8 into `buf` at `p` and returns the bytes written; the caller makes
 * sure there is room (3 bytes per UTF-16 unit at most). For short ASCII strings, the
 * common case for keys and small values, a JS loop beats the native call's fixed cost.
 */
export function writeUtf8(buf: Buffer, p: number, s: string): number {
  const n = s.length;
  if (n > 24) return buf.write(s, p);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return buf.write(s, p);
    buf[p + i] = c;
  }
  return n;
}

/**
 * Writes `s` into `buf` at `p` if it is all ASCII and returns its length, else -1 (what was
 * written by then is garbage the caller overwrites). Spares strings of up to ~100 units, such
 * as a sort's 88-byte values, the two native calls (measure, then write) their length-prefixed
 * encoding otherwise costs.
 */
export function writeAscii(buf: Buffer, p: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return -1;
    buf[p + i] = c;
  }
  return n;
}
