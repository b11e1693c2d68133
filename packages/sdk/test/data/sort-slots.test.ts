import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sortSlotsByKey } from '../../src/data/sort-slots.js';
import { compareUtf8 } from '../../src/data/utf8-compare.js';
import { byteCompare } from './helpers.js';

function check(keys: string[]): void {
  const slots = keys.map((_, i) => i).reverse();
  sortSlotsByKey(slots, keys);
  const expected = keys.map((_, i) => i).sort((a, b) => byteCompare(keys[a]!, keys[b]!));
  assert.deepEqual(slots.map((i) => keys[i]), expected.map((i) => keys[i]));
}

test('sortSlotsByKey orders like compareUtf8 (UTF-8 bytes), small and large lists, any units', () => {
  const unit = fc.oneof(
    fc.constantFrom('a', 'b', 'ab', '', '\u0000', '\u00e9', '\ud7ff', '\ue000', '\uffff', '\u{1f600}', '\u{10ffff}'),
    fc.string({ unit: 'binary', maxLength: 3 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 12 }),
  );
  fc.assert(
    fc.property(fc.uniqueArray(fc.array(unit, { maxLength: 4 }).map((parts) => parts.join('')), { maxLength: 300 }), (keys) => check(keys)),
    { numRuns: 200 },
  );
});

test('sortSlotsByKey: shared long prefixes, prefixes of one another, many keys', () => {
  const keys: string[] = [];
  for (let i = 0; i < 5000; i++) keys.push(`prefix-shared-${(i * 7919) % 5000}`);
  for (let i = 0; i < 300; i++) keys.push('x'.repeat(i + 1));
  keys.push('p', 'pr', 'pre', 'prefix', 'prefix-', '\ud83d\ude00a', '\uffffz', '\ue000');
  check(keys);
  // Random 10-character printable keys (the sort scenario's), with a key's slot order scrambled.
  let s = 7;
  const rand = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0), s / 2 ** 32);
  const set = new Set<string>();
  while (set.size < 20000) set.add(String.fromCharCode(...Array.from({ length: 10 }, () => 33 + Math.floor(rand() * 94))));
  const many = [...set];
  const slots = many.map((_, i) => i);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  sortSlotsByKey(slots, many);
  for (let i = 1; i < slots.length; i++) assert.ok(compareUtf8(many[slots[i - 1]!]!, many[slots[i]!]!) < 0, `order at ${i}`);
  assert.equal(new Set(slots).size, many.length);
});
