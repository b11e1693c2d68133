import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, step, type Context } from '../../src/index.js';
import { runJob, RunJobError } from '../../src/testing/index.js';

/**
 * runJob over jobs of steps: step by step through the real map and reduce tasks, each later
 * step's mapper fed the runs of the step before (values with their JSON types).
 */

function words(ctx: Context<number>, chunk: string) {
  for (const w of chunk.split(/[^\p{L}]+/u)) if (w) ctx.emit(w, 1);
}
function sum(ctx: Context<number>, key: string, values: number[]) {
  ctx.emit(key, values.reduce((a, b) => a + b, 0));
}

test('three steps, each with its own reducer count: the last step\'s records, every step\'s counters', async () => {
  const job = run({
    steps: [
      { mapper: words, reducer: sum, combiner: sum, reducers: 3 },
      // Values arrive typed: an object from the step before stays an object.
      { mapper: (ctx: Context<{ w: string; n: number }>, word: string, n: number) => ctx.emit(n % 2 ? 'odd' : 'even', { w: word, n }), reducer: (ctx: Context<string[]>, k: string, vs: { w: string; n: number }[]) => ctx.emit(k, vs.map((v) => `${v.w}:${v.n}`).sort()) },
      step<string[], number, number>({ mapper: (ctx, parity, list) => ctx.emit(parity, list.length), reducer: sum, reducers: 1 }),
    ],
  });
  const { records, parts, counters } = await runJob(job, { 'a.txt': 'a b a c\n', 'b.txt': 'c c d\n' }, { mappers: 2, reducers: 2 });
  // Counts: a 2, b 1, c 3, d 1 -> odd: b, c, d; even: a.
  assert.deepEqual(records, [['even', 1], ['odd', 3]]);
  assert.equal(parts.length, 1);
  assert.equal(counters.mapInputRecords, 2, 'the job\'s input, counted once');
  assert.equal(counters.stepInputRecords, 4 + 2, 'step 2 read 4 words, step 3 two parities');
  assert.equal(counters.outputRecords, 2);
});

test('a throw in a later step names its task and the record\'s position', async () => {
  const job = run({
    steps: [
      { mapper: words, reducer: sum },
      { mapper: (_ctx: Context, word: string) => { if (word === 'b') throw new Error('no b'); }, reducer: sum },
    ],
  });
  await assert.rejects(runJob(job, { 'a.txt': 'a b\n' }), (err: unknown) => {
    assert.ok(err instanceof RunJobError);
    assert.match(err.message, /^mapper failed in task s1-m-00000 \(input r-00000, record 1\): no b$/);
    return true;
  });
});

test('bad definitions of steps are refused by run() and by runJob', async () => {
  assert.throws(() => run({ steps: [] } as never), /steps is empty/);
  await assert.rejects(runJob({ steps: [{ mapper: words }, { mapper: words, reducer: sum }] } as never, { 'a.txt': 'a\n' }), /runJob: step 1 has no reducer/);
  await assert.rejects(runJob({ steps: [{ mapper: words, reducer: sum }, { reducer: sum }] } as never, { 'a.txt': 'a\n' }), /runJob: step 2 has no mapper function/);
});
