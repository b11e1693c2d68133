import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { batched } from '../../src/data/batched.js';
import { mergeSorted } from '../../src/data/kway-merge.js';
import type { Rec } from '../../src/data/rec.js';
import { RunEncoder, readRun } from '../../src/data/record-codec.js';
import { byteCompare, chunkedStream, collect } from './helpers.js';

const key = fc.oneof(fc.constantFrom('a', 'b', 'c', '\uffff', '\u{1f600}', 'ab', ''), fc.string({ unit: 'binary', maxLength: 4 }));

/** Sources as sorted arrays; each value records (source, position) to check stability. */
const sourcesArb = fc.array(fc.array(key, { maxLength: 40 }), { maxLength: 8 }).map((lists) =>
  lists.map((keys, s) => [...keys].sort(byteCompare).map((k, i): Rec => ({ key: k, value: [s, i] }))),
);

function expected(sources: Rec[][]): Rec[] {
  // Array.prototype.sort is stable: equal keys stay in (source, position) order.
  return sources.flat().sort((a, b) => byteCompare(a.key, b.key));
}

test('mergeSorted equals a stable sort of everything (arrays, async generators, runs)', async () => {
  await fc.assert(
    fc.asyncProperty(sourcesArb, fc.integer({ min: 0, max: 2 }), async (sources, kind) => {
      const inputs = sources.map((recs) => {
        if (kind === 0) return recs;
        if (kind === 1) {
          return (async function* () {
            yield* recs;
          })();
        }
        const enc = new RunEncoder(64);
        for (const r of recs) enc.add(r.key, r.value);
        const chunks: Buffer[] = [];
        for (let c = enc.takeChunk(); c; c = enc.takeChunk()) chunks.push(c);
        chunks.push(enc.finish());
        return readRun(chunkedStream(Buffer.concat(chunks), 5));
      });
      assert.deepEqual(await collect(mergeSorted(inputs)), expected(sources));
    }),
    { numRuns: 300 },
  );
});

test('mergeSorted is stable: equal keys come out in source order', async () => {
  const a: Rec[] = [{ key: 'k', value: 'a1' }, { key: 'k', value: 'a2' }, { key: 'z', value: 'a3' }];
  const b: Rec[] = [{ key: 'a', value: 'b1' }, { key: 'k', value: 'b2' }];
  const c: Rec[] = [{ key: 'k', value: 'c1' }];
  const out = await collect(mergeSorted([a, b, c]));
  assert.deepEqual(out.map((r) => r.value), ['b1', 'a1', 'a2', 'b2', 'c1', 'a3']);
});

test('mergeSorted reads batched sources a batch at a time and handles empty batches', async () => {
  let pulls = 0;
  const src = (keys: string[][]) =>
    batched(async function* () {
      for (const b of keys) {
        pulls++;
        yield b.map((k) => ({ key: k, value: k }));
      }
    });
  const out = await collect(mergeSorted([src([['a', 'c'], [], ['e']]), src([['b'], ['d', 'f']]), src([])]));
  assert.deepEqual(out.map((r) => r.key), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.equal(pulls, 5);
  assert.deepEqual(await collect(mergeSorted([])), []);
});

test('stopping a merge early closes its sources', async () => {
  let closed = 0;
  const src = (n: number) =>
    (async function* () {
      try {
        for (let i = 0; i < n; i++) yield { key: String(i).padStart(5, '0'), value: i };
      } finally {
        closed++;
      }
    })();
  for await (const r of mergeSorted([src(10000), src(10000)])) if (r.value === 5) break;
  assert.equal(closed, 2);
});
