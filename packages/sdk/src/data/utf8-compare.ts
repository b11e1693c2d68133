/**
 * The one key order gomr uses everywhere (map-side sort, merge, reduce output): the order of
 * the keys' UTF-8 bytes. It equals Unicode code point order and `LC_ALL=C sort`, so output
 * is the same on every machine and every locale.
 *
 * JavaScript's `<` compares UTF-16 code units instead. The two orders agree except when the
 * first differing code units are a surrogate (U+D800..U+DFFF, half of a code point
 * >= U+10000) on one side and a unit >= U+E000 on the other: UTF-16 puts the surrogate
 * first, code point order puts it last. Only that case is corrected.
 *
 * Lone surrogates are not text; Buffer.from encodes them as U+FFFD. They are ordered here as
 * if they were part of a pair (above every BMP character), which keeps the order total.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  let i = 0;
  // Scanning is cheap for the short keys MapReduce sees; V8 compiles this tight loop well.
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  let x = a.charCodeAt(i);
  let y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) {
    // Move surrogates above U+E000..U+FFFF: D800..DFFF -> F800..FFFF, E000..FFFF -> D800..F7FF.
    x = x < 0xe000 ? x + 0x2000 : x - 0x800;
    y = y < 0xe000 ? y + 0x2000 : y - 0x800;
  }
  return x - y;
}
