// Top words: the N most frequent words of the input, in two steps.
//   step 1 counts every word (as wordcount does: a combiner, --reducers partitions);
//   step 2 ranks them: each of its map tasks reads one partition of step 1's counts, its
//   combiner keeps that task's top N (a local top N cannot miss a global one), and its one
//   reducer picks the job's top N from those.
// Step 2's mapper gets step 1's records with their types: `count` is a number, not text.
//   gomr run -i examples/data/ --reducers 4 --param n=10 examples/top-words/worker.ts
// Output: one line per rank, `01<TAB>["word",count]`: ranks sort as text, so 01..99 (n <= 99).
import { run, type Context } from '@gomr/sdk';

function words(ctx: Context<number>, chunk: string) {
  for (const word of chunk.toLowerCase().split(/[^\p{L}']+/u)) {
    const w = word.replace(/^'+|'+$/g, '');
    if (w) ctx.emit(w, 1);
  }
}

function sum(ctx: Context<number>, word: string, counts: number[]) {
  let total = 0;
  for (const c of counts) total += c;
  ctx.emit(word, total);
}

function topN(ctx: Context): number {
  const n = Number(ctx.params.n ?? 10);
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new RangeError(`--param n must be an integer in 1..99, got ${ctx.params.n}`);
  return n;
}

/** More frequent first; a tie goes to the word that sorts first (JavaScript string order), so the output is one. */
function before(a: [string, number], b: [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

type Ranked = [string, number];

// Step 2: every word goes to one key, and the combiner keeps each map task's top N of it (a
// word outside a task's top N cannot be in the job's), so the one reducer gets at most N per
// map task. Top N of top Ns is the top N: safe to apply any number of times, as a combiner must be.
function rank(ctx: Context<Ranked>, word: string, count: number) {
  ctx.emit('top', [word, count]);
}

function keepTop(ctx: Context<Ranked>, key: string, values: Ranked[]) {
  for (const r of [...values].sort(before).slice(0, topN(ctx))) ctx.emit(key, r);
}

function ranks(ctx: Context<Ranked>, _key: string, values: Ranked[]) {
  [...values].sort(before).slice(0, topN(ctx)).forEach((r, i) => ctx.emit(String(i + 1).padStart(2, '0'), r));
}

export default run({
  steps: [
    { mapper: words, reducer: sum, combiner: sum },
    { mapper: rank, combiner: keepTop, reducer: ranks, reducers: 1 },
  ],
});
