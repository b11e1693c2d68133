import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkJsonValue, NotJsonValueError } from '../../src/data/json-value.js';

test('checkJsonValue accepts JSON values, NaN and Infinity included', () => {
  for (const v of [0, -0, 1.5, NaN, Infinity, -Infinity, '', 'x', true, false, null, [], {}, [1, [2, { a: [null] }]], { 'a b': 1, c: { d: 'e' } }]) {
    checkJsonValue(v);
  }
  checkJsonValue({ a: undefined, b: 1 }); // dropped like JSON.stringify
  checkJsonValue(new Date(0)); // toJSON
  const shared = { x: 1 };
  checkJsonValue([shared, shared]); // shared, not cyclic
});

test('checkJsonValue names what is wrong and where', () => {
  const cases: [unknown, RegExp][] = [
    [undefined, /value is undefined/],
    [() => 1, /value is a function/],
    [Symbol('s'), /value is a symbol/],
    [10n, /value is a BigInt/],
    [[1, undefined], /value\[1\] is undefined/],
    [{ a: { b: [0, () => 0] } }, /value\.a\.b\[1\] is a function/],
    [{ 'odd key': 1n }, /value\["odd key"\] is a BigInt/],
    [new Map(), /value is a Map/],
    [{ s: new Set([1]) }, /value\.s is a Set/],
    [new Uint8Array(2), /value is a Uint8Array/],
    [Promise.resolve(1), /a Promise/],
  ];
  for (const [v, re] of cases) {
    assert.throws(() => checkJsonValue(v), (err: unknown) => err instanceof NotJsonValueError && re.test(err.message), String(re));
  }
  const cyclic: Record<string, unknown> = { a: [1] };
  (cyclic.a as unknown[]).push(cyclic);
  assert.throws(() => checkJsonValue(cyclic), /value\.a\[1\] is a cyclic structure/);
});
