import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { JsonValue } from '../../src/data/json-value.js';
import { KeyTable } from '../../src/data/key-table.js';

// The table finds keys through its own hash index (short keys) or a Map (long ones): each key
// must get one slot, the same one every time, whatever the mix of lengths and how often the
// index grew. A Map is the reference.

/** Keys of every kind the index treats differently: empty, short, at the SHORT_KEY edge, long, non-Latin-1. */
const keyArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 30, max: 34 }).chain((n) => fc.string({ minLength: n, maxLength: n })) },
  { weight: 1, arbitrary: fc.string({ minLength: 33, maxLength: 80 }) },
);

test('every key gets one slot, found again on each lookup (against a Map)', () => {
  fc.assert(
    fc.property(fc.array(keyArb, { maxLength: 3000 }), (keys) => {
      const table = new KeyTable();
      const reference = new Map<string, number>();
      for (const k of keys) {
        // A copy, not the same string object: lookups compare contents.
        const slot = table.slot((' ' + k).slice(1));
        const known = reference.get(k);
        if (known === undefined) {
          assert.equal(slot, reference.size, 'a new key takes the next slot');
          reference.set(k, slot);
        } else {
          assert.equal(slot, known);
        }
        table.put(slot, 1);
      }
      assert.equal(table.size, reference.size);
      for (const [k, slot] of reference) {
        assert.equal(table.keys[slot], k);
        assert.equal(table.slot(k), slot);
      }
      assert.equal(table.values, keys.length);
    }),
    { numRuns: 200 },
  );
});

test('many keys: the index grows and every key keeps its slot and count', () => {
  const table = new KeyTable();
  const n = 100_000;
  // Short keys, long keys sharing a 40-character prefix, and keys differing in one character.
  const keyOf = (i: number) => (i % 3 === 0 ? `k${i}` : i % 3 === 1 ? `${'p'.repeat(40)}${i}` : `${String.fromCharCode(0x4e00 + (i % 500))}${i >> 9}`);
  for (let round = 0; round < 2; round++) for (let i = 0; i < n; i++) table.put(table.slot(keyOf(i)), 1);
  assert.equal(table.size, n);
  for (let i = 0; i < n; i++) {
    const slot = table.slot(keyOf(i));
    assert.equal(table.keys[slot], keyOf(i));
    assert.equal(table.count(slot), 2);
  }
});

test('short keys after a long run of long keys keep one slot each (the index grows past them)', () => {
  const table = new KeyTable();
  for (let i = 0; i < 3000; i++) table.slot(`${'L'.repeat(40)}${i}`);
  const shorts = Array.from({ length: 3000 }, (_, i) => `s${i}`);
  for (const k of shorts) table.slot(k);
  assert.equal(table.size, 6000);
  for (const k of shorts) assert.equal(table.keys[table.slot((' ' + k).slice(1))], k);
});

test('the estimate counts the index as it grows', () => {
  const table = new KeyTable();
  let last = 0;
  for (let i = 0; i < 5000; i++) {
    table.slot(`w${i}`);
    assert.ok(table.bytes > last, 'every new key adds to the estimate');
    last = table.bytes;
  }
  // 5000 short keys: at least their per-key overhead, plus an index of 16384 entries (8 bytes each) grown from 1024.
  assert.ok(table.bytes >= 5000 * 88 + 8 * (16384 - 1024), `estimate ${table.bytes}`);
});

test('values in emit order whatever the first one is (a lone item, then a list): strings, null, runs, objects', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.constantFrom(1, 1, 1, 2, -0, 0.5), fc.string({ maxLength: 20 }), fc.constant(null), fc.boolean(), fc.constant({ a: [1] } as JsonValue)), { minLength: 1, maxLength: 40 }),
      (values) => {
        const t = new KeyTable();
        const i = t.slot('k');
        const before = t.bytes;
        for (const v of values) t.put(i, v);
        assert.equal(t.count(i), values.length);
        const seen: unknown[] = [];
        t.each(i, (v) => seen.push(typeof v === 'object' && v !== null ? JSON.parse(v.text) : v));
        assert.deepEqual(seen, values);
        assert.deepEqual(t.take(i), values);
        assert.equal(t.count(i), 0);
        // Taking the values gives back every byte they were counted for.
        assert.equal(t.bytes, before);
      },
    ),
  );
  const t = new KeyTable();
  const i = t.slot('lone');
  const empty = t.bytes;
  t.put(i, 'a string of 30 characters ....');
  assert.equal(t.listLength(i), 1);
  // One value alone costs only its own bytes, no list.
  assert.equal(t.bytes - empty, 56 + 30);
  t.put(i, null);
  assert.equal(t.listLength(i), 2);
});
