import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SPECULATION, median, stragglerThresholdMs, type SpeculationOptions } from '../src/straggler-policy.js';

/** Whether an attempt running for elapsedMs is a straggler, as the scheduler decides it. */
const isStraggler = (elapsedMs: number, completedDurationsMs: number[], o: SpeculationOptions): boolean =>
  elapsedMs > stragglerThresholdMs(completedDurationsMs, o);

test('median of odd and even counts', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('healthy 2-5 s tasks are never stragglers with the defaults', () => {
  const done = [2000, 3100, 4200, 5000, 2500];
  for (let elapsed = 0; elapsed <= 10_000; elapsed += 500) assert.equal(isStraggler(elapsed, done, DEFAULT_SPECULATION), false, `at ${elapsed} ms`);
});

test('an attempt far beyond the others is a straggler', () => {
  assert.equal(isStraggler(14_000, [2000, 3000, 4000], DEFAULT_SPECULATION), true);
  // Both conditions: 2x the median and median + 10 s.
  assert.equal(isStraggler(12_999, [3000], DEFAULT_SPECULATION), false);
  assert.equal(isStraggler(13_001, [3000], DEFAULT_SPECULATION), true);
  assert.equal(isStraggler(50_000, [30_000], DEFAULT_SPECULATION), false, 'needs 2x of a long median too');
});

test('no speculation before a task finished, or when disabled', () => {
  assert.equal(isStraggler(1e9, [], DEFAULT_SPECULATION), false);
  assert.equal(isStraggler(1e9, [1], { ...DEFAULT_SPECULATION, enabled: false }), false);
});
