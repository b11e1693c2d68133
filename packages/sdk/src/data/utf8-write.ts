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
