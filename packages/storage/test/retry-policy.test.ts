import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_RETRY_POLICY, nextDelay, planRetry, validateRetryPolicy, type RetryPolicy } from '../src/retry-policy.js';

const policy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 5000, budgetMs: 30_000 };
/** random() just below 1: the top of the jitter range. */
const top = () => 0.999999;
const bottom = () => 0;

describe('retry policy (pure)', () => {
  test('defaults: base 100 ms, max 5 s, budget 30 s, no attempt cap', () => {
    assert.deepEqual({ ...DEFAULT_RETRY_POLICY }, { baseDelayMs: 100, maxDelayMs: 5000, budgetMs: 30_000 });
    assert.ok(Object.isFrozen(DEFAULT_RETRY_POLICY));
  });

  test('the cap doubles per attempt from the base up to the max; full jitter spans [0, cap)', () => {
    const caps = [1, 2, 3, 4, 5, 6, 7, 8, 20, 2000].map((attempt) => nextDelay(policy, attempt, top));
    assert.deepEqual(caps, [99, 199, 399, 799, 1599, 3199, 4999, 4999, 4999, 4999]);
    for (const attempt of [1, 5, 30]) assert.equal(nextDelay(policy, attempt, bottom), 0, 'full jitter reaches 0');
    assert.equal(nextDelay(policy, 3, () => 0.5), 200, 'the middle of [0, 400)');
  });

  test('with Math.random, delays stay inside [0, cap) and are spread, not constant', () => {
    const delays = Array.from({ length: 500 }, () => nextDelay(policy, 4));
    assert.ok(delays.every((d) => Number.isInteger(d) && d >= 0 && d < 800));
    assert.ok(new Set(delays).size > 100, 'jittered');
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    assert.ok(mean > 300 && mean < 500, `mean ${mean} should be near 400`);
  });

  test('attempt numbers start at 1', () => {
    assert.throws(() => nextDelay(policy, 0), RangeError);
    assert.throws(() => nextDelay(policy, 1.5), RangeError);
  });

  test('planRetry: a delay while the budget lasts, cut so the last attempt starts at its end', () => {
    assert.equal(planRetry(policy, { failedAttempts: 1, sinceFirstFailureMs: 0 }, top), 99);
    assert.equal(planRetry(policy, { failedAttempts: 9, sinceFirstFailureMs: 28_000 }, top), 2000, 'cut to the 2 s left');
    assert.equal(planRetry(policy, { failedAttempts: 9, sinceFirstFailureMs: 30_000 }, top), null, 'budget spent');
    assert.equal(planRetry(policy, { failedAttempts: 9, sinceFirstFailureMs: 45_000 }, top), null);
    assert.equal(planRetry({ ...policy, budgetMs: 0 }, { failedAttempts: 1, sinceFirstFailureMs: 0 }, top), null, 'budget 0: never retry');
  });

  test('planRetry: an attempt cap stops retries before the budget does', () => {
    const capped = { ...policy, attempts: 3 };
    assert.notEqual(planRetry(capped, { failedAttempts: 2, sinceFirstFailureMs: 10 }, top), null);
    assert.equal(planRetry(capped, { failedAttempts: 3, sinceFirstFailureMs: 10 }, top), null);
  });

  test('a simulated outage of refused connections gives up after about the budget, not before', () => {
    // Attempts that fail instantly, as refused connections do: total time = sum of delays.
    for (const random of [top, () => 0.5, () => 0.01]) {
      let elapsed = 0;
      let failed = 1;
      for (let delay = planRetry(policy, { failedAttempts: failed, sinceFirstFailureMs: elapsed }, random); delay !== null; ) {
        elapsed += delay;
        failed++;
        delay = planRetry(policy, { failedAttempts: failed, sinceFirstFailureMs: elapsed }, random);
        assert.ok(failed < 10_000, 'terminates');
      }
      assert.equal(elapsed, 30_000, 'the last attempt is exactly at the end of the budget');
    }
  });

  test('validateRetryPolicy names the bad field', () => {
    assert.equal(validateRetryPolicy(policy), policy);
    assert.throws(() => validateRetryPolicy({ ...policy, attempts: 0 }), /"attempts"/);
    assert.throws(() => validateRetryPolicy({ ...policy, baseDelayMs: -1 }), /"baseDelayMs"/);
    assert.throws(() => validateRetryPolicy({ ...policy, budgetMs: Infinity }), /"budgetMs"/);
    assert.throws(() => validateRetryPolicy({ ...policy, maxDelayMs: NaN }), /"maxDelayMs"/);
    assert.throws(() => validateRetryPolicy({ ...policy, maxDelayMs: 50 }), /"maxDelayMs" \(50\) must be >= "baseDelayMs"/);
  });
});
