import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { JsonValue } from '../../src/data/json-value.js';
import { MapOutputBuffer, type Combiner } from '../../src/data/map-output-buffer.js';
import { defaultPartition } from '../../src/data/partition.js';
import type { Rec } from '../../src/data/rec.js';
import { readRun, writeRun } from '../../src/data/record-codec.js';
import { byteCompare, chunkedStream, collect, CollectingWritable } from './helpers.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gomr-mob-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const keyArb = fc.oneof(fc.constantFrom('a', 'b', 'the', 'ü', '\uffff', '\u{1f600}', 'a-rather-long-key-over-13'), fc.string({ unit: 'binary', maxLength: 3 }));
const pairsArb = fc.array(fc.tuple(keyArb, fc.integer({ min: -1000, max: 1000 })), { maxLength: 300 });

const sumCombiner: Combiner = (key, values, emit) => {
  emit(key, (values as number[]).reduce((a, b) => a + b, 0));
};

async function run(
  pairs: [string, JsonValue][],
  options: {
    reducers: number;
    spillBytes: number;
    combiner?: Combiner;
    mergeFactor?: number;
    spillEvery?: number;
    eager?: number;
    heapLimitBytes?: number;
    heapSpillMinBytes?: number;
    heapInUse?: () => number;
  },
): Promise<{ parts: Rec[][]; buffer: MapOutputBuffer }> {
  const buffer = new MapOutputBuffer({
    reducers: options.reducers,
    partition: defaultPartition,
    spillBytes: options.spillBytes,
    spillDir: dir,
    ...(options.heapLimitBytes !== undefined ? { heapLimitBytes: options.heapLimitBytes } : {}),
    ...(options.heapSpillMinBytes !== undefined ? { heapSpillMinBytes: options.heapSpillMinBytes } : {}),
    ...(options.heapInUse ? { heapInUse: options.heapInUse } : {}),
    ...(options.combiner ? { combiner: options.combiner } : {}),
    ...(options.mergeFactor ? { mergeFactor: options.mergeFactor } : {}),
    ...(options.eager ? { eagerCombineValues: options.eager } : {}),
  });
  try {
    let n = 0;
    for (const [k, v] of pairs) {
      buffer.add(k, v);
      if (++n % (options.spillEvery ?? 1) === 0) await buffer.spillIfFull();
    }
    const partitions = await buffer.finish();
    assert.equal(partitions.length, options.reducers);
    const parts: Rec[][] = [];
    for (const p of partitions) {
      const recs = await collect(p);
      assert.equal(p.empty, recs.length === 0);
      parts.push(recs);
    }
    return { parts, buffer };
  } finally {
    await buffer.cleanup();
  }
}

function checkSortedAndPartitioned(parts: Rec[][]): void {
  parts.forEach((recs, p) => {
    for (let i = 0; i < recs.length; i++) {
      assert.equal(defaultPartition(recs[i]!.key, parts.length), p);
      if (i) assert.ok(byteCompare(recs[i - 1]!.key, recs[i]!.key) <= 0, 'sorted');
    }
  });
}

test('without a combiner: each partition is a stable sort of its pairs, whatever the spills', async () => {
  await fc.assert(
    fc.asyncProperty(
      pairsArb,
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom(1, 200, 2000, 1 << 30),
      fc.constantFrom(2, 3, 64),
      async (pairs, reducers, spillBytes, mergeFactor) => {
        const { parts, buffer } = await run(pairs, { reducers, spillBytes, mergeFactor, spillEvery: 3 });
        const expected: Rec[][] = Array.from({ length: reducers }, () => []);
        pairs.forEach(([key, value]) => expected[defaultPartition(key, reducers)]!.push({ key, value }));
        for (const e of expected) e.sort((a, b) => byteCompare(a.key, b.key));
        assert.deepEqual(parts, expected);
        assert.equal(buffer.mapOutputRecords, pairs.length);
        if (spillBytes === 1 && pairs.length > 3) assert.ok(buffer.spills > 0);
        if (spillBytes === 1 << 30) assert.equal(buffer.spills, 0);
      },
    ),
    { numRuns: 120 },
  );
});

test('with a combiner (sync and async): one record per key holding its total', async () => {
  const asyncSum: Combiner = async (key, values, emit) => {
    await new Promise((r) => setImmediate(r));
    sumCombiner(key, values, emit);
  };
  await fc.assert(
    fc.asyncProperty(
      pairsArb,
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom(1, 300, 1 << 30),
      fc.boolean(),
      fc.constantFrom(2, 64),
      async (pairs, reducers, spillBytes, isAsync, mergeFactor) => {
        const { parts, buffer } = await run(pairs, { reducers, spillBytes, combiner: isAsync ? asyncSum : sumCombiner, mergeFactor, spillEvery: 2 });
        const totals = new Map<string, number>();
        for (const [k, v] of pairs) totals.set(k, (totals.get(k) ?? 0) + (v as number));
        const expected: Rec[][] = Array.from({ length: reducers }, () => []);
        for (const [key, value] of [...totals].sort((a, b) => byteCompare(a[0], b[0]))) {
          expected[defaultPartition(key, reducers)]!.push({ key, value });
        }
        assert.deepEqual(parts, expected);
        assert.equal(buffer.mapOutputRecords, pairs.length);
        // Every combine turns n >= 2 values into 1.
        assert.ok(buffer.combineOutputRecords <= buffer.combineInputRecords / 2);
      },
    ),
    { numRuns: 120 },
  );
});

test('a synchronous combiner folds a hot key in place; counters add up', async () => {
  const pairs: [string, number][] = Array.from({ length: 100 }, () => ['a', 1]);
  const { parts, buffer } = await run(pairs, { reducers: 1, spillBytes: 1 << 30, combiner: sumCombiner, eager: 64 });
  assert.deepEqual(parts, [[{ key: 'a', value: 100 }]]);
  // 64 values folded into 1 at the 64th emit; then 1 + 36 folded at finish.
  assert.equal(buffer.combineInputRecords, 64 + 37);
  assert.equal(buffer.combineOutputRecords, 2);
  assert.equal(buffer.spills, 0);
  assert.equal(buffer.spilledBytes, 0);
});

test('memory stays bounded by eager combining for few distinct keys', async () => {
  const buffer = new MapOutputBuffer({ reducers: 2, partition: defaultPartition, spillBytes: 1 << 20, spillDir: dir, combiner: sumCombiner });
  for (let i = 0; i < 200000; i++) buffer.add(`w${i % 50}`, 1);
  assert.ok(buffer.memoryBytes < 100000, `memory ${buffer.memoryBytes}`);
  assert.equal(buffer.needsSpill, false);
  const parts = await buffer.finish();
  const all = (await collect(parts[0]!)).concat(await collect(parts[1]!));
  assert.equal(all.length, 50);
  assert.ok(all.every((r) => r.value === 4000));
  await buffer.cleanup();
});

test('a combiner emitting other keys: output stays sorted, partitioned, and sums are kept', async () => {
  // Moves all but 1 of a key's total to key + "x": a sum-preserving combiner that changes keys.
  const mover: Combiner = (key, values, emit) => {
    const sum = (values as number[]).reduce((a, b) => a + b, 0);
    emit(key, 1);
    if (sum !== 1) emit(`${key}x`, sum - 1);
  };
  await fc.assert(
    fc.asyncProperty(pairsArb, fc.integer({ min: 1, max: 3 }), fc.constantFrom(1, 500, 1 << 30), async (pairs, reducers, spillBytes) => {
      const { parts } = await run(pairs, { reducers, spillBytes, combiner: mover });
      checkSortedAndPartitioned(parts);
      const total = (recs: Rec[][]) => recs.flat().reduce((a, r) => a + (r.value as number), 0);
      assert.equal(total(parts), pairs.reduce((a, [, v]) => a + (v as number), 0));
    }),
    { numRuns: 80 },
  );
});

test('values keep their type; objects are snapshots taken at emit', async () => {
  const obj = { n: 1, list: [1, 2] };
  const buffer = new MapOutputBuffer({ reducers: 1, partition: defaultPartition, spillBytes: 1 << 30, spillDir: dir });
  buffer.add('k', obj);
  obj.n = 2;
  obj.list.push(3);
  buffer.add('k', obj);
  for (const v of [-0, NaN, 'str', true, null, 2 ** 40, [1, 'x']] as JsonValue[]) buffer.add('v', v);
  const [p] = await buffer.finish();
  const recs = await collect(p!);
  assert.deepEqual(recs.slice(0, 2).map((r) => r.value), [{ n: 1, list: [1, 2] }, { n: 2, list: [1, 2, 3] }]);
  const vs = recs.slice(2).map((r) => r.value);
  assert.ok(Object.is(vs[0], -0));
  assert.ok(Number.isNaN(vs[1]));
  assert.deepEqual(vs.slice(2), ['str', true, null, 2 ** 40, [1, 'x']]);
  await buffer.cleanup();
});

test('spill counters, spill files, and cleanup', async () => {
  const sub = await mkdtemp(join(dir, 'spills-'));
  const buffer = new MapOutputBuffer({ reducers: 3, partition: defaultPartition, spillBytes: 4096, spillDir: sub });
  for (let i = 0; i < 5000; i++) {
    buffer.add(`key-${i % 700}`, i);
    await buffer.spillIfFull();
  }
  assert.ok(buffer.spills >= 5);
  assert.ok(buffer.spilledBytes > 0);
  assert.ok(buffer.spilledRecords > 0 && buffer.spilledRecords <= 5000);
  assert.ok((await readdir(sub)).length >= buffer.spills);
  const parts = await buffer.finish();
  let n = 0;
  for (const p of parts) n += (await collect(p)).length;
  assert.equal(n, 5000);
  await buffer.cleanup();
  assert.deepEqual(await readdir(sub), []);
});

test('an async combiner error reaches the owner; a bad partition is reported', async () => {
  const failing: Combiner = async () => {
    throw new Error('combiner broke');
  };
  const buffer = new MapOutputBuffer({ reducers: 1, partition: defaultPartition, spillDir: dir, combiner: failing });
  for (let i = 0; i < 100; i++) buffer.add('k', i);
  await assert.rejects(buffer.finish(), /combiner broke/);
  await buffer.cleanup();
  // Partitions are computed per distinct key when spilling or finishing.
  const bad = new MapOutputBuffer({ reducers: 2, partition: () => 2, spillDir: dir });
  bad.add('k', 1);
  await assert.rejects(bad.finish(), /partition 2 for key "k" is not an integer in \[0, 2\)/);
});

test('measured memory: a buffer whose heap in use passes its limit spills, with the same output as without spills', async () => {
  await fc.assert(
    fc.asyncProperty(pairsArb, fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.integer({ min: 1, max: 5 }), async (pairs, reducers, withCombiner, every) => {
      // A heap "over the limit" at every other look (every 1024 pairs), whatever the estimate says.
      let looks = 0;
      const many = [...pairs, ...pairs, ...pairs, ...pairs].concat(Array.from({ length: 5000 }, (_, i): [string, number] => [`k${i % 500}`, i % 7]));
      const opts = { reducers, spillBytes: 1 << 30, ...(withCombiner ? { combiner: sumCombiner } : {}), spillEvery: every };
      const base = await run(many, opts);
      assert.equal(base.buffer.spills, 0);
      const measured = await run(many, { ...opts, heapLimitBytes: 1000, heapSpillMinBytes: 1, heapInUse: () => (looks++ % 2 === 0 ? 2000 : 0) });
      assert.ok(measured.buffer.heapSpills >= 1, 'the heap limit asked for a spill');
      assert.equal(measured.buffer.spills, measured.buffer.heapSpills);
      assert.ok(looks >= 3);
      assert.deepEqual(measured.parts, base.parts);
      assert.equal(measured.buffer.mapOutputRecords, many.length);
    }),
    { numRuns: 40 },
  );
});

test('measured memory: spills on the real heap of this thread, and results match', async () => {
  const { heapInUse } = await import('../../src/data/map-output-buffer.js');
  // Distinct keys with string values (~250 bytes each by the estimate); the estimate's limit is
  // out of reach, the heap limit 4 MiB above what is in use now.
  const pairs: [string, JsonValue][] = Array.from({ length: 60000 }, (_, i) => [`key-${i % 20000}`, `value ${i} ${'x'.repeat(i % 40)}`]);
  const base = await run(pairs, { reducers: 2, spillBytes: 1 << 30 });
  // The limit is set over live data only: garbage of the first run, still counted now and
  // collected during the second, once left the second run under the limit (no spill).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  const measured = await run(pairs, { reducers: 2, spillBytes: 1 << 30, heapLimitBytes: heapInUse() + (4 << 20), heapSpillMinBytes: 1 << 20, spillEvery: 100 });
  assert.ok(measured.buffer.spills >= 1, `spills ${measured.buffer.spills}`);
  assert.equal(measured.buffer.spills, measured.buffer.heapSpills);
  assert.deepEqual(measured.parts, base.parts);
});

test('measured memory: garbage alone cannot cause a run of tiny spills (heapSpillMinBytes)', async () => {
  const buffer = new MapOutputBuffer({
    reducers: 1,
    partition: defaultPartition,
    spillBytes: 1 << 30,
    spillDir: dir,
    heapLimitBytes: 1,
    heapSpillMinBytes: 64 * 1024,
    heapInUse: () => 2, // always over the limit
  });
  let spilledAt = 0;
  for (let i = 0; i < 20000; i++) {
    buffer.add(`k${i}`, i);
    if (buffer.needsSpill) {
      const held = buffer.memoryBytes;
      await buffer.spillIfFull();
      assert.ok(held >= 64 * 1024, `spilled at ${held} bytes`);
      spilledAt++;
    }
  }
  // ~140 bytes per key: a spill every ~470 keys at most, looked at every 1024 pairs.
  assert.ok(spilledAt >= 5 && spilledAt <= 20, `${spilledAt} spills`);
  assert.equal(buffer.heapSpills, spilledAt);
  const [p] = await buffer.finish();
  assert.equal((await collect(p!)).length, 20000);
  await buffer.cleanup();
});

test('without a heap limit the heap is never looked at', async () => {
  const buffer = new MapOutputBuffer({
    reducers: 1,
    partition: defaultPartition,
    spillBytes: 1 << 30,
    spillDir: dir,
    heapInUse: () => assert.fail('looked at the heap'),
  });
  for (let i = 0; i < 5000; i++) buffer.add(`k${i % 100}`, i);
  assert.equal(buffer.needsSpill, false);
  await buffer.finish();
  await buffer.cleanup();
});

test('after spills, without a combiner, finish() also serves each partition as encoded records: the same run bytes, stable order', async () => {
  const values: JsonValue[] = [1, -0, 2.5, 'short', 'a string value of more than forty-two characters, ASCII only', 'ünïcode value', true, false, null, { a: [1, 'x'] }, -7];
  const pairs: [string, JsonValue][] = [];
  for (let i = 0; i < 3000; i++) pairs.push([`k${(i * 7919) % 1000}`, values[i % values.length]!]);
  const make = () =>
    new MapOutputBuffer({ reducers: 3, partition: defaultPartition, spillBytes: 20_000, spillDir: dir });
  // The same pairs twice: one buffer written through rawBatches, one through records.
  const runs: Buffer[][] = [];
  let expected: Rec[][] = [];
  for (const viaRaw of [true, false]) {
    const buffer = make();
    try {
      for (const [k, v] of pairs) {
        buffer.add(k, v);
        await buffer.spillIfFull();
      }
      assert.ok(buffer.spills >= 3, `${buffer.spills} spills`);
      const partitions = await buffer.finish();
      const bytes: Buffer[] = [];
      for (const p of partitions) {
        assert.equal(typeof p.rawBatches, 'function', 'offered as encoded records');
        const out = new CollectingWritable();
        const asRecords: AsyncIterable<Rec> = { [Symbol.asyncIterator]: () => p[Symbol.asyncIterator]() };
        const stats = await writeRun(viaRaw ? p : asRecords, out);
        assert.equal(stats.bytes, out.data.length);
        bytes.push(out.data);
      }
      runs.push(bytes);
    } finally {
      await buffer.cleanup();
    }
  }
  assert.deepEqual(runs[0], runs[1]);
  // Decoded: each partition sorted by key, a key's values in emit order.
  expected = [[], [], []];
  for (const [key, value] of pairs) expected[defaultPartition(key, 3)]!.push({ key, value });
  for (const e of expected) e.sort((a, b) => byteCompare(a.key, b.key));
  for (let p = 0; p < 3; p++) assert.deepEqual(await collect(readRun(chunkedStream(runs[0]![p]!, 999))), expected[p]);
  // With a combiner, or with no spill, records only.
  const { parts } = await run([['a', 1], ['b', 2]], { reducers: 1, spillBytes: 1 << 20 });
  assert.equal(parts[0]!.length, 2);
  const small = make();
  small.add('a', 1);
  const [only] = await small.finish();
  assert.equal(only!.rawBatches, undefined);
  await small.cleanup();
});

test('finish() serves a partition held in memory as encoded chunks: the same run bytes as its records', async () => {
  const valueArb: fc.Arbitrary<JsonValue> = fc.oneof(
    fc.integer({ min: -5, max: 5 }),
    fc.double(),
    fc.string({ maxLength: 50 }),
    fc.constantFrom(true, false, null, -0),
    fc.array(fc.integer(), { maxLength: 3 }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.tuple(keyArb, valueArb), { maxLength: 300 }),
      fc.integer({ min: 1, max: 3 }),
      fc.constantFrom(300, 1 << 30),
      fc.boolean(),
      async (pairs, reducers, spillBytes, combine) => {
        const buffer = new MapOutputBuffer({
          reducers,
          partition: defaultPartition,
          spillBytes,
          spillDir: dir,
          // Keeps the values (no two are combined into one): any value type may pass through.
          ...(combine ? { combiner: (key, values, emit) => values.forEach((v) => emit(key, v)) } : {}),
        });
        const reference = new MapOutputBuffer({ reducers, partition: defaultPartition, spillBytes, spillDir: dir });
        try {
          for (const [k, v] of pairs) {
            buffer.add(k, v);
            reference.add(k, v);
            await buffer.spillIfFull();
            await reference.spillIfFull();
          }
          const spilled = buffer.spills > 0;
          const got = await buffer.finish();
          const want = await reference.finish();
          for (let p = 0; p < reducers; p++) {
            if (!spilled && !got[p]!.empty) assert.equal(typeof got[p]!.encodedChunks, 'function');
            const a = new CollectingWritable();
            const b = new CollectingWritable();
            const stats = await writeRun(got[p]!, a);
            const asRecords: AsyncIterable<Rec> = { [Symbol.asyncIterator]: () => want[p]![Symbol.asyncIterator]() };
            await writeRun(asRecords, b);
            assert.deepEqual(a.data, b.data);
            assert.equal(stats.bytes, a.data.length);
          }
        } finally {
          await buffer.cleanup();
          await reference.cleanup();
        }
      },
    ),
    { numRuns: 60 },
  );
});
