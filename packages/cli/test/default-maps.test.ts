import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MIN_SPLIT_BYTES, defaultMaps } from '../src/job/run-local-job.js';

test('default map tasks: 4 per worker, none under the minimum split, at least one', () => {
  assert.equal(DEFAULT_MIN_SPLIT_BYTES, 32 << 20);
  assert.equal(defaultMaps(2, 0), 1);
  assert.equal(defaultMaps(2, 1024), 1);
  assert.equal(defaultMaps(2, 32 << 20), 1);
  assert.equal(defaultMaps(2, (32 << 20) + 1), 2);
  assert.equal(defaultMaps(2, 100e6), 3);
  assert.equal(defaultMaps(2, 1e9), 8);
  assert.equal(defaultMaps(1, 1e9), 4);
  assert.equal(defaultMaps(16, 2e9), 60);
  assert.equal(defaultMaps(16, 10e9), 64);
});
