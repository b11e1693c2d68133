import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planSplits, type Split, type SplitInput } from '../src/plan-splits.js';

const input = (name: string, size: number): SplitInput => ({ key: `in/${name}`, name, size });

function byInput(splits: Split[]): Map<string, Split[]> {
  const m = new Map<string, Split[]>();
  for (const s of splits) m.set(s.inputKey, [...(m.get(s.inputKey) ?? []), s]);
  return m;
}

test('one input cut into near-equal ranges', () => {
  const splits = planSplits([input('a', 10)], 3);
  assert.deepEqual(
    splits.map((s) => [s.start, s.end]),
    [
      [0, 4],
      [4, 7],
      [7, 10],
    ],
  );
  assert.ok(splits.every((s) => s.inputKey === 'in/a' && s.inputName === 'a' && s.fileSize === 10));
});

test('every input gets a split; an empty input exactly one [0, 0)', () => {
  const splits = planSplits([input('a', 100), input('empty', 0), input('b', 300)], 2);
  assert.deepEqual(
    splits.map((s) => [s.inputName, s.start, s.end]),
    [
      ['a', 0, 100],
      ['empty', 0, 0],
      ['b', 0, 300],
    ],
  );
  assert.deepEqual(planSplits([input('e', 0)], 10).map((s) => [s.start, s.end]), [[0, 0]]);
  assert.deepEqual(planSplits([], 4), []);
});

test('extra splits go in proportion to size (largest remainder)', () => {
  // 2 inputs + 8 extra: sizes 300:100 -> quotas 6 and 2.
  const counts = [...byInput(planSplits([input('big', 300), input('small', 100)], 10)).values()].map((s) => s.length);
  assert.deepEqual(counts, [7, 3]);
  // 3 inputs + 2 extra, sizes equal: remainders tie, earlier inputs win.
  const tie = [...byInput(planSplits([input('x', 10), input('y', 10), input('z', 10)], 5)).values()].map((s) => s.length);
  assert.deepEqual(tie, [2, 2, 1]);
});

test('never more splits than bytes; the rest go to other inputs', () => {
  // 98 extra: tiny's quota 2.85 is capped at 2 more (3 bytes), big takes the remainder.
  const m = byInput(planSplits([input('tiny', 3), input('big', 100)], 100));
  assert.equal(m.get('in/tiny')!.length, 3);
  assert.equal(m.get('in/big')!.length, 97);
  const all = planSplits([input('a', 3), input('b', 2)], 100);
  assert.equal(all.length, 5); // one per byte: fewer maps than asked
  assert.ok(all.every((s) => s.end - s.start === 1));
});

test('invalid arguments are rejected', () => {
  assert.throws(() => planSplits([input('a', 1)], 0), /positive integer/);
  assert.throws(() => planSplits([input('a', 1)], 1.5), /positive integer/);
  assert.throws(() => planSplits([input('a', -1)], 1), /invalid size/);
});

test('properties: ranges tile each input exactly, no empty split of a non-empty input, count near target', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 2 ** 40 })), { maxLength: 12 }),
      fc.integer({ min: 1, max: 300 }),
      (sizes, target) => {
        const inputs = sizes.map((size, i) => input(`f${i}`, size));
        const splits = planSplits(inputs, target);
        const m = byInput(splits);
        let capacity = 0;
        for (const inp of inputs) {
          const own = m.get(inp.key)!;
          assert.ok(own.length >= 1);
          assert.equal(own[0]!.start, 0);
          assert.equal(own.at(-1)!.end, inp.size);
          for (let j = 0; j < own.length; j++) {
            if (j) assert.equal(own[j]!.start, own[j - 1]!.end);
            if (inp.size > 0) assert.ok(own[j]!.end > own[j]!.start);
            assert.equal(own[j]!.fileSize, inp.size);
          }
          const lens = own.map((s) => s.end - s.start);
          assert.ok(Math.max(...lens) - Math.min(...lens) <= 1, 'near-equal');
          capacity += Math.max(1, inp.size);
        }
        // Exactly the target, unless there are more inputs than that or too few bytes.
        assert.equal(splits.length, Math.max(inputs.length, Math.min(target, capacity)));
        // Deterministic.
        assert.deepEqual(planSplits(inputs, target), splits);
      },
    ),
    { numRuns: 500 },
  );
});

test('proportionality: an input twice as big gets about twice the extra splits', () => {
  const splits = planSplits([input('a', 2_000_000), input('b', 1_000_000), input('c', 1_000_000)], 403);
  const counts = [...byInput(splits).values()].map((s) => s.length);
  assert.deepEqual(counts, [201, 101, 101]);
});

test('an unsplittable input (compressed) gets one split and no share of the extra ones', () => {
  const splits = planSplits([{ ...input('a.gz', 1000), splittable: false }, input('b', 10), { ...input('c.gz', 0), splittable: false }], 6);
  assert.deepEqual(
    splits.map((s) => [s.inputName, s.start, s.end]),
    [['a.gz', 0, 1000], ['b', 0, 3], ['b', 3, 6], ['b', 6, 8], ['b', 8, 10], ['c.gz', 0, 0]],
  );
  // Only unsplittable inputs: fewer splits than asked, one per input.
  assert.equal(planSplits([{ ...input('x.gz', 50), splittable: false }], 8).length, 1);
});

test('splitInputs marks inputs unsplittable by their compression suffix', async () => {
  const { splitInputs } = await import('../src/plan-splits.js');
  assert.deepEqual(
    splitInputs([input('a.txt', 1), input('b.GZ', 1), input('c.br', 1), input('d.zst', 1), input('e.gzip', 1)]).map((i) => i.splittable),
    [true, false, false, false, true],
  );
});
