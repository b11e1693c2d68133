import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GomrError } from '../../src/errors.js';
import { parseDurationSeconds } from '../../src/kube/parse-duration.js';

test('--active-deadline takes 24h, 90m, 1h30m, 2d or seconds; anything else is a usage error naming the flag', () => {
  assert.equal(parseDurationSeconds('active-deadline', '24h'), 86_400);
  assert.equal(parseDurationSeconds('active-deadline', '90m'), 5_400);
  assert.equal(parseDurationSeconds('active-deadline', '1h30m'), 5_400);
  assert.equal(parseDurationSeconds('active-deadline', '2d'), 172_800);
  assert.equal(parseDurationSeconds('active-deadline', '600'), 600);
  for (const bad of ['', 'soon', '1.5h', '-5', '0', '10x']) {
    assert.throws(() => parseDurationSeconds('active-deadline', bad), (err: GomrError) => err.exitCode === 2 && /^--active-deadline must be/.test(err.message), bad);
  }
});
