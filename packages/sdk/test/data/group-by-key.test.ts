import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { groupByKey } from '../../src/data/group-by-key.js';
import { mergeSorted } from '../../src/data/kway-merge.js';
import type { Rec } from '../../src/data/rec.js';
import { byteCompare, collect } from './helpers.js';

test('groupByKey yields each key once with its values in order', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 3 }), fc.integer()), { maxLength: 200 }), async (pairs) => {
      const recs = pairs.map(([key, value]) => ({ key, value })).sort((a, b) => byteCompare(a.key, b.key));
      const groups = await collect(groupByKey(recs));
      const expected = new Map<string, number[]>();
      for (const r of recs) expected.set(r.key, [...(expected.get(r.key) ?? []), r.value]);
      assert.deepEqual(groups, [...expected].map(([key, values]) => ({ key, values })));
    }),
  );
});

test('groupByKey joins a key spanning batches and rejects unsorted input', async () => {
  const recs: Rec[] = [];
  for (let i = 0; i < 5000; i++) recs.push({ key: i < 3000 ? 'a' : 'b', value: i });
  const groups = await collect(groupByKey(mergeSorted([recs.slice(0, 2000), recs.slice(2000)].map((x) => x))));
  assert.equal(groups.length, 2);
  assert.equal(groups[0]!.values.length, 3000);
  assert.equal(groups[1]!.values.length, 2000);
  await assert.rejects(
    collect(groupByKey([{ key: 'b', value: 1 }, { key: 'a', value: 2 }])),
    /not sorted: key "a" came after "b"/,
  );
  assert.deepEqual(await collect(groupByKey([])), []);
});

test('groupByKey batches(): the groups finished in each input batch together, a key spanning batches whole', async () => {
  const recs: Rec[] = [];
  // 3000 unique keys, then one key over two input batches of mergeSorted's 1024.
  for (let i = 0; i < 3000; i++) recs.push({ key: `k${String(i).padStart(5, '0')}`, value: i });
  for (let i = 0; i < 1500; i++) recs.push({ key: 'z', value: i });
  const batches: { key: string; values: unknown[] }[][] = [];
  for await (const b of groupByKey(mergeSorted([recs])).batches()) batches.push(b);
  assert.ok(batches.length >= 3 && batches.length < 10, `${batches.length} batches`);
  assert.ok(batches.every((b) => b.length > 0));
  const flat = batches.flat();
  assert.equal(flat.length, 3001);
  assert.deepEqual(flat.map((g) => g.key), [...recs.slice(0, 3000).map((r) => r.key), 'z']);
  assert.equal(flat.at(-1)!.values.length, 1500);
  // Unsorted input: the groups before the bad key come out, then the error.
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const b of groupByKey([{ key: 'a', value: 1 }, { key: 'c', value: 2 }, { key: 'b', value: 3 }]).batches()) seen.push(...b.map((g) => g.key));
  }, /not sorted: key "b" came after "c"/);
  assert.deepEqual(seen, ['a']);
});
