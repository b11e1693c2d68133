// Word count: how often each word occurs. Words are runs of Unicode letters; case is kept.
import { run, type Context } from '@gomr/sdk';

function mapper(ctx: Context<number>, chunk: string) {
  for (const word of chunk.split(/[^\p{L}]+/u)) if (word) ctx.emit(word, 1);
}

function reducer(ctx: Context<number>, key: string, values: number[]) {
  let sum = 0;
  for (const v of values) sum += v;
  ctx.emit(key, sum);
}

run({ mapper, reducer, combiner: reducer });
