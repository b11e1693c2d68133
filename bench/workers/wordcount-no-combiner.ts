// examples/wordcount without its combiner: every emitted (word, 1) goes through the shuffle.
// The bench's shuffle-volume scenario compares the two.
import { run, type Context } from '@gomr/sdk';

function mapper(ctx: Context<number>, chunk: string) {
  for (const word of chunk.split(/[^\p{L}]+/u)) if (word) ctx.emit(word, 1);
}

function reducer(ctx: Context<number>, key: string, values: number[]) {
  let sum = 0;
  for (const v of values) sum += v;
  ctx.emit(key, sum);
}

run({ mapper, reducer });
