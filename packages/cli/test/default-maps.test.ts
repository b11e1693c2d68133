import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_MIN_SPLIT_BYTES, defaultMaps } from '../src/job/run-local-job.js';

test('default map tasks: 4 per worker, none under the minimum split, at least one, a multiple of the workers', () => {
  assert.equal(DEFAULT_MIN_SPLIT_BYTES, 32 << 20);
  assert.equal(defaultMaps(2, 0), 1);
  assert.equal(defaultMaps(2, 1024), 1);
  // One 32 MiB task by size, but two workers: two of 16 MiB.
  assert.equal(defaultMaps(2, 32 << 20), 2);
  assert.equal(defaultMaps(2, 8 << 20), 1);
  assert.equal(defaultMaps(2, (8 << 20) + 1), 2);
  assert.equal(defaultMaps(2, (32 << 20) + 1), 2);
  // 3 by size, rounded up to a multiple of 2 workers.
  assert.equal(defaultMaps(2, 100e6), 4);
  assert.equal(defaultMaps(2, 1e9), 8);
  assert.equal(defaultMaps(1, 1e9), 4);
  assert.equal(defaultMaps(16, 2e9), 64);
  assert.equal(defaultMaps(16, 1.2e9), 48);
  // Fewer 32 MiB tasks than workers: smaller ones, none under 8 MiB, at most one per worker.
  assert.equal(defaultMaps(16, 100e6), 12);
  assert.equal(defaultMaps(16, 400e6), 16);
  assert.equal(defaultMaps(3, 7 * 2 ** 25), 9);
  assert.equal(defaultMaps(16, 10e9), 64);
});
