import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickCutPoints, rangePartition } from '../../src/total-order/index.js';
import { checkCutPoints } from '../support/check-cut-points.js';
import { compareUtf8 } from '../../src/data/index.js';
import { runJob } from '../../src/testing/index.js';
import type { Context } from '../../src/index.js';

test('pickCutPoints: the keys at the 1/R quantiles of the sample, ascending, in UTF-8 byte order', () => {
  const sample = Array.from({ length: 100 }, (_, i) => `k${String(i).padStart(3, '0')}`).reverse();
  assert.deepEqual(pickCutPoints(sample, 4), ['k025', 'k050', 'k075']);
  assert.deepEqual(pickCutPoints(sample, 1), []);
  assert.deepEqual(pickCutPoints([], 5), []);
  // Byte order, not code-unit order: U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80).
  assert.deepEqual(pickCutPoints(['\u{1F600}', '\uFFFD', 'a', 'b'], 2), ['\uFFFD']);
  assert.throws(() => pickCutPoints(sample, 0), /positive integer/);
});

test('pickCutPoints: a heavily repeated key is one cut, never two; fewer cuts come back', () => {
  const sample = [...Array(90).fill('hot'), ...Array.from({ length: 10 }, (_, i) => `z${i}`), 'a'];
  assert.deepEqual(pickCutPoints(sample, 7), ['hot'], 'the six quantiles all land on "hot"');
  const middle = [...Array.from({ length: 30 }, (_, i) => `a${String(i).padStart(2, '0')}`), ...Array(40).fill('hot'), ...Array.from({ length: 30 }, (_, i) => `z${String(i).padStart(2, '0')}`)];
  const cuts = pickCutPoints(middle, 5);
  assert.deepEqual(cuts, ['a20', 'hot', 'z10']);
  checkCutPoints(cuts, 5);
  assert.deepEqual(pickCutPoints(Array(50).fill('same'), 3), [], 'one key only: everything in part 0');
});

test('rangePartition: below the first cut is 0, a key equal to a cut starts the next part', () => {
  const cuts = ['b', 'd', 'f'];
  assert.deepEqual(['', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'zzz'].map((k) => rangePartition(cuts, k)), [0, 0, 1, 1, 2, 2, 3, 3, 3]);
  assert.equal(rangePartition([], 'x'), 0);
  assert.throws(() => checkCutPoints(['b', 'a'], 3), /must ascend/);
  assert.throws(() => checkCutPoints(['a', 'b'], 2), /at most 1/);
});

test('runJob sort total: balanced parts for uniform keys, every key once, with a combiner', async () => {
  let text = '';
  for (let i = 0; i < 20_000; i++) text += `${((i * 7919) % 10007).toString(36)}\n`;
  const mapper = (ctx: Context, chunk: string) => {
    for (const k of chunk.split('\n')) if (k) ctx.emit(k, 1);
  };
  const sum = (ctx: Context, key: string, values: number[]) => ctx.emit(key, values.reduce((a, b) => a + b, 0));
  const r = await runJob({ mapper, reducer: sum, combiner: sum }, { 'a.txt': text }, { sort: 'total', reducers: 7, mappers: 4 });
  assert.equal(r.cutPoints!.length, 6);
  const keys = r.records.map(([k]) => k);
  assert.deepEqual(keys, [...new Set(text.split('\n').filter(Boolean))].sort(compareUtf8));
  const sizes = r.parts.map((p) => p.split('\n').length - 1);
  const mean = keys.length / 7;
  for (const n of sizes) assert.ok(n > mean * 0.5 && n < mean * 1.5, `part sizes ${sizes}`);
  assert.equal(r.records.reduce((n, [, v]) => n + (v as number), 0), 20_000, 'every occurrence counted once');
  await assert.rejects(runJob({ mapper, reducer: sum, partitioner: () => 0 }, { 'a.txt': text }, { sort: 'total' }), /cannot be combined with a partitioner/);
  const failing = (ctx: Context, chunk: string) => {
    if (chunk.includes('zz')) throw new Error('no zz');
    mapper(ctx, chunk);
  };
  await assert.rejects(runJob({ mapper: failing, reducer: sum }, { 'a.txt': 'a\nzz\n' }, { sort: 'total', reducers: 2 }), /mapper failed while sampling keys for sort total \(input a\.txt, chunk at byte 0\): no zz/);
});
