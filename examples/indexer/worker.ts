// Inverted index: each word (lower-cased) -> the sorted list of input files that contain it.
import { run, type Context } from '@gomr/sdk';

function mapper(ctx: Context<string[]>, chunk: string) {
  const seen = new Set<string>();
  for (const word of chunk.toLowerCase().split(/[^\p{L}]+/u)) {
    if (word && !seen.has(word)) {
      seen.add(word);
      ctx.emit(word, [ctx.input]);
    }
  }
}

// Also the combiner: a union of sorted lists is safe to apply any number of times.
function union(ctx: Context<string[]>, key: string, values: string[][]) {
  const docs = new Set<string>();
  for (const list of values) for (const doc of list) docs.add(doc);
  ctx.emit(key, [...docs].sort());
}

run({ mapper, reducer: union, combiner: union });
