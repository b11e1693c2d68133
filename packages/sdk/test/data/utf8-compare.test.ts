import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareUtf8 } from '../../src/data/utf8-compare.js';
import { byteCompare } from './helpers.js';

const sign = (n: number): number => Math.sign(n);

test('compareUtf8 agrees with Buffer.compare of the UTF-8 bytes (full unicode)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
      assert.equal(sign(compareUtf8(a, b)), sign(byteCompare(a, b)));
    }),
    { numRuns: 5000 },
  );
});

test('compareUtf8 agrees on strings sharing prefixes and mixing surrogates with U+E000..U+FFFF', () => {
  const unit = fc.constantFrom('a', 'z', '\u00e9', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}', '');
  const str = fc.array(unit, { maxLength: 6 }).map((a) => a.join(''));
  fc.assert(
    fc.property(str, str, str, (p, a, b) => {
      assert.equal(sign(compareUtf8(p + a, p + b)), sign(byteCompare(p + a, p + b)));
    }),
    { numRuns: 5000 },
  );
});

test('compareUtf8 corrects exactly the surrogate case where UTF-16 order differs', () => {
  assert.ok('\u{1f600}' < '\uffff'); // UTF-16 order
  assert.ok(compareUtf8('\u{1f600}', '\uffff') > 0); // code point order
  assert.ok(compareUtf8('\uffff', '\u{1f600}') < 0);
  assert.ok(compareUtf8('\ue000', '\u{10000}') < 0);
  assert.ok(compareUtf8('\ud7ff', '\u{10000}') < 0);
  assert.equal(compareUtf8('abc', 'abc'), 0);
  assert.ok(compareUtf8('ab', 'abc') < 0);
  assert.ok(compareUtf8('abc', 'ab') > 0);
  assert.ok(compareUtf8('', 'a') < 0);
  assert.ok(compareUtf8('B', 'a') < 0); // bytes, not locale
});

test('sorting with compareUtf8 matches sorting the UTF-8 bytes', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 8 }), { maxLength: 60 }), (words) => {
      const a = [...words].sort(compareUtf8);
      const b = [...words].sort(byteCompare);
      assert.deepEqual(a, b);
    }),
  );
});
