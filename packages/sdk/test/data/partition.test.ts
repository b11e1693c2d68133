import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { defaultPartition } from '../../src/data/partition.js';

test('defaultPartition is an integer in [0, reducers) and deterministic', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 1000 }), (key, r) => {
      const p = defaultPartition(key, r);
      assert.ok(Number.isInteger(p) && p >= 0 && p < r);
      assert.equal(defaultPartition(key, r), p);
    }),
  );
});

test('defaultPartition is FNV-1a over UTF-16 code units (fixed values)', () => {
  // Reference: FNV-1a 32 of "" is 0x811c9dc5; of "a" is 0xe40c292c.
  assert.equal(defaultPartition('', 0x7fffffff), 0x811c9dc5 % 0x7fffffff);
  assert.equal(defaultPartition('a', 0x7fffffff), 0xe40c292c % 0x7fffffff);
  assert.equal(defaultPartition('foobar', 0xffffffff), 0xbf9cf968);
  assert.equal(defaultPartition('anything', 1), 0);
});

test('defaultPartition spreads keys evenly', () => {
  for (const r of [2, 7, 16, 64]) {
    const counts = new Array<number>(r).fill(0);
    const n = 20000 * r;
    for (let i = 0; i < n; i++) counts[defaultPartition(`word${i}`, r)]!++;
    const expected = n / r;
    for (const c of counts) assert.ok(Math.abs(c - expected) / expected < 0.05, `r=${r}: ${counts.join(',')}`);
  }
});
