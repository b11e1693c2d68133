// Word count with the tuned loop's tokeniser (bench/baselines/tuned.mjs) as its mapper: a
// letter table instead of the regex (same definition of a letter: \p{L}), no array of words.
// The combiner and reducer sum, as in examples/wordcount. The bench's wordcount-tuned
// scenario runs it against the tuned loop itself, so what differs is gomr's own cost.
import { run, type Context } from '@gomr/sdk';

// isLetter for every BMP code unit, computed once per thread with the regex's Unicode property.
const LETTER = new Uint8Array(65536);
const letterRe = /^\p{L}$/u;
for (let c = 0; c < 65536; c++) if (c < 0xd800 || c > 0xdfff) LETTER[c] = letterRe.test(String.fromCharCode(c)) ? 1 : 0;
const astral = new Map<number, boolean>();
function astralLetter(cp: number): boolean {
  let v = astral.get(cp);
  if (v === undefined) astral.set(cp, (v = letterRe.test(String.fromCodePoint(cp))));
  return v;
}

function mapper(ctx: Context<number>, text: string) {
  let start = -1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    let letter: boolean;
    if (c < 0xd800 || c > 0xdfff) letter = LETTER[c] === 1;
    else if (c < 0xdc00 && i + 1 < n) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff && astralLetter(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)) {
        if (start < 0) start = i;
        i++;
        continue;
      }
      letter = false;
    } else letter = false;
    if (letter) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      ctx.emit(text.slice(start, i), 1);
      start = -1;
    }
  }
  if (start >= 0) ctx.emit(text.slice(start), 1);
}

function reducer(ctx: Context<number>, key: string, values: number[]) {
  let sum = 0;
  for (const v of values) sum += v;
  ctx.emit(key, sum);
}

run({ mapper, reducer, combiner: reducer });
