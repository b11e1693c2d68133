import { compareUtf8 } from './utf8-compare.js';

/** Lists shorter than this are sorted with compareUtf8 directly. */
const SMALL = 64;
/** Most leading characters packed into a number. */
const MAX_CHARS = 8;
const EXACT = 2 ** 53;

/** A UTF-16 unit moved so that unit order is compareUtf8's order (surrogates above U+E000..U+FFFF). */
function rank(u: number): number {
  return u < 0xd800 ? u : u < 0xe000 ? u + 0x2000 : u - 0x800;
}

/**
 * Sorts slot numbers by their keys (compareUtf8 order) in place. Keys must be distinct.
 *
 * A comparator sort of strings costs a call and a character loop per comparison, ~40 million
 * of them for the 2 million distinct keys of a sort job's spill. Here each key's first few
 * characters (as many as fit, in base max-unit + 2, with the key's position beside them, in a
 * double's 53 exact bits) become one number; a Float64Array sorts those natively, with no
 * callback, and only keys whose packed characters are equal (runs of equal prefixes) are
 * then compared as strings. Numbers order like compareUtf8 because each character counts as
 * its rank + 1 and a missing one as 0 (a shorter key sorts first).
 */
export function sortSlotsByKey(slots: number[], keys: readonly string[]): void {
  const n = slots.length;
  if (n < 2) return;
  const byKey = (a: number, b: number): number => compareUtf8(keys[a]!, keys[b]!);
  if (n < SMALL) {
    slots.sort(byKey);
    return;
  }
  let max = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[slots[i]!]!;
    const m = k.length < MAX_CHARS ? k.length : MAX_CHARS;
    for (let j = 0; j < m; j++) {
      const r = rank(k.charCodeAt(j));
      if (r > max) max = r;
    }
  }
  const radix = max + 2;
  let chars = 0;
  let span = 1;
  while (chars < MAX_CHARS && span * radix * n <= EXACT) {
    span *= radix;
    chars++;
  }
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = keys[slots[i]!]!;
    let p = 0;
    for (let j = 0; j < chars; j++) p = p * radix + (j < k.length ? rank(k.charCodeAt(j)) + 1 : 0);
    packed[i] = p * n + i;
  }
  packed.sort();
  const original = slots.slice();
  let runStart = 0;
  let runPrefix = -1;
  for (let i = 0; i < n; i++) {
    const v = packed[i]!;
    const at = v % n;
    const prefix = (v - at) / n;
    slots[i] = original[at]!;
    if (prefix !== runPrefix) {
      if (i - runStart > 1) sortRange(slots, runStart, i, byKey);
      runStart = i;
      runPrefix = prefix;
    }
  }
  if (n - runStart > 1) sortRange(slots, runStart, n, byKey);
}

function sortRange(slots: number[], from: number, to: number, byKey: (a: number, b: number) => number): void {
  const part = slots.slice(from, to).sort(byKey);
  for (let i = 0; i < part.length; i++) slots[from + i] = part[i]!;
}
