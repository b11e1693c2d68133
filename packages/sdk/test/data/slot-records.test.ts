import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { JsonValue } from '../../src/data/json-value.js';
import { KeyTable } from '../../src/data/key-table.js';
import { RunEncoder, RUN_MAGIC } from '../../src/data/record-codec.js';
import { groupByPartition, SPAN_STRIDE, sortedSlotRecords } from '../../src/data/slot-records.js';
import { sortSlotsByKey } from '../../src/data/sort-slots.js';

// sortedSlotRecords encodes in slot order and copies into key order; the reference encodes
// each record in key order with RunEncoder.add. The bytes must be the same, for any values,
// any chunk size (records never split across chunks, keys bigger than a chunk alone).

const valueArb: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-0, 2 ** 31, NaN, Infinity),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
);
const keyArb = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 40 }));

test('sortedSlotRecords: the same bytes as encoding each record in key order, in whole-record chunks', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(keyArb, valueArb), { maxLength: 400 }),
      fc.constantFrom(1, 16, 64, 1000, 1 << 18),
      fc.integer({ min: 1, max: 3 }),
      // Far too small (the buffer grows), ample, or so large that the partition is done in
      // key ranges (as many as 40).
      fc.constantFrom(0, 100, 1 << 16, 10 << 20, 320 << 20),
      (pairs, chunkBytes, parts, sizeHint) => {
        const table = new KeyTable();
        for (const [k, v] of pairs) table.put(table.slot(k), v);
        // Partition p: the slots i with i % parts === p, ascending, and sorted by key.
        const p = pairs.length % parts;
        const ascending: number[] = [];
        for (let i = 0; i < table.size; i++) if (i % parts === p) ascending.push(i);
        const sorted = ascending.slice();
        sortSlotsByKey(sorted, table.keys);
        // Shared with another partition's call, as MapOutputBuffer does: filled with junk first.
        const span = new Int32Array(SPAN_STRIDE * table.size).fill(-7);

        const reference = new RunEncoder();
        for (const i of sorted) table.each(i, (v) => reference.add(table.keys[i]!, v));
        const expected = reference.finish().subarray(RUN_MAGIC.length);

        const chunks = [...sortedSlotRecords(table, ascending, sorted, span, sizeHint, chunkBytes)];
        assert.deepEqual(Buffer.concat(chunks.map((c) => c.bytes)), expected);
        assert.equal(
          chunks.reduce((n, c) => n + c.records, 0),
          reference.records,
        );
        for (const c of chunks) assert.ok(c.records > 0 && c.bytes.length > 0, 'no empty chunks');
      },
    ),
  );
});

test('sortedSlotRecords: a chunk is over chunkBytes only when one key alone is', () => {
  const table = new KeyTable();
  const big = 'x'.repeat(500);
  for (const k of ['b', 'a', 'c']) table.put(table.slot(k), 'v');
  for (let n = 0; n < 3; n++) table.put(table.slot('big'), big);
  const sorted = [0, 1, 2, 3];
  sortSlotsByKey(sorted, table.keys);
  const chunks = [...sortedSlotRecords(table, [0, 1, 2, 3], sorted, new Int32Array(4 * SPAN_STRIDE), 0, 64)];
  // 'a', 'b', 'big' (3 records of ~505 bytes: alone), 'c'.
  assert.deepEqual(
    chunks.map((c) => c.records),
    [2, 3, 1],
  );
  assert.ok(chunks[1]!.bytes.length > 1500);
  assert.ok(chunks[0]!.bytes.length <= 64 && chunks[2]!.bytes.length <= 64);
});

test('groupByPartition: each partition its slots, ascending', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5 }).chain((r) => fc.tuple(fc.constant(r), fc.array(fc.nat(r - 1), { maxLength: 300 }))), ([reducers, parts]) => {
      const partOf = reducers === 1 ? null : Uint32Array.from(parts);
      const { ascending, start } = groupByPartition(partOf, parts.length, reducers);
      assert.equal(start[0], 0);
      assert.equal(start[reducers], parts.length);
      for (let p = 0; p < reducers; p++) {
        const expected = parts.flatMap((q, i) => (partOf === null || q === p ? [i] : []));
        assert.deepEqual([...ascending.subarray(start[p]!, start[p + 1]!)], expected);
      }
    }),
  );
});
