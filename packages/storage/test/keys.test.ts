import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidKeyError, NotFoundError, StorageUnavailableError } from '../src/errors.js';
import { compareKeys, joinKey, keyProblem, validateKey, validatePrefix } from '../src/keys.js';

describe('keys', () => {
  test('valid keys pass; each kind of invalid key has a reason', () => {
    for (const key of ['a', 'a/b/c', 'jobs/j1/part-00000', '.hidden', 'a/..b', 'a b/ü']) {
      assert.equal(keyProblem(key), null, key);
      assert.equal(validateKey(key), key);
    }
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['/a', /starts with "\/"/],
      ['a//b', /empty segment/],
      ['a/', /empty segment/],
      ['a/../b', /"\.\." segment/],
      ['./a', /"\." segment/],
      ['a\0', /NUL/],
    ];
    for (const [key, reason] of cases) {
      assert.throws(() => validateKey(key), (error: unknown) => {
        assert.ok(error instanceof InvalidKeyError);
        assert.equal(error.key, key);
        assert.match(error.reason, reason);
        return true;
      });
    }
  });

  test('prefixes may be empty or end mid-segment, but complete segments must be valid', () => {
    for (const prefix of ['', 'a', 'a/', 'a/b', 'a/.', 'a/..', 'a/b.']) assert.equal(validatePrefix(prefix), prefix);
    for (const prefix of ['/a', 'a//', '../x', './', 'a\0']) assert.throws(() => validatePrefix(prefix), InvalidKeyError);
  });

  test('joinKey joins with single slashes and validates', () => {
    assert.equal(joinKey('jobs/j1/', '/map', '3'), 'jobs/j1/map/3');
    assert.equal(joinKey('a', '', 'b'), 'a/b');
    assert.equal(joinKey('a/b', 'c/d'), 'a/b/c/d');
    assert.throws(() => joinKey('a', '..', 'b'), InvalidKeyError);
    assert.throws(() => joinKey('', '/'), InvalidKeyError);
  });

  test('compareKeys is plain string order', () => {
    assert.deepEqual(['b', 'a/b', 'a', 'a/bc', 'a/b/c', 'B'].sort(compareKeys), ['B', 'a', 'a/b', 'a/b/c', 'a/bc', 'b']);
  });
});

describe('errors', () => {
  test('carry their fields and say whether a retry can help', () => {
    const notFound = new NotFoundError('k');
    assert.equal(notFound.key, 'k');
    assert.equal(notFound.retryable, false);
    assert.equal(notFound.name, 'NotFoundError');
    assert.match(notFound.message, /not found: k/);
    const invalid = new InvalidKeyError('/k', 'starts with "/"');
    assert.deepEqual([invalid.key, invalid.reason, invalid.retryable], ['/k', 'starts with "/"', false]);
    const cause = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const unavailable = new StorageUnavailableError('s3://b at http://h', cause);
    assert.deepEqual([unavailable.describe, unavailable.cause, unavailable.retryable], ['s3://b at http://h', cause, true]);
    assert.equal(unavailable.message, 'storage s3://b at http://h is unavailable: connect ECONNREFUSED');
    assert.ok(unavailable instanceof Error);
  });
});
