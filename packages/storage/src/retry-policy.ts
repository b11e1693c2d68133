/**
 * How long and how often a storage operation is retried, as data, and the pure functions that
 * turn it into delays (BullMQ's backoffs, AWS's "exponential backoff and full jitter").
 *
 * The budget is a time, not a count: "retry for up to 30 s" is what keeps a job alive through
 * a MinIO pod restarting, whatever the round-trip time, and still fails it in bounded time when
 * the store is really gone.
 */

export interface RetryPolicy {
  /**
   * At most this many attempts in all (the first one included); unset means "as many as the
   * budget allows". @default undefined
   */
  attempts?: number;
  /** The cap of the first delay; each later cap doubles. @default 100 */
  baseDelayMs: number;
  /** No delay is longer than this. @default 5000 */
  maxDelayMs: number;
  /**
   * Retrying stops once this long has passed since the operation's first failure; the last
   * attempt starts no later than that. 0 means "never retry". @default 30000
   */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  baseDelayMs: 100,
  maxDelayMs: 5000,
  budgetMs: 30_000,
});

/**
 * The delay before retry number `attempt` (1 for the first retry): a uniformly random time
 * between 0 and min(maxDelayMs, baseDelayMs * 2^(attempt-1)). Full jitter spreads the retries
 * of many workers that failed at the same moment, so a restarted server is not hit by all of
 * them at once. `random` returns a number in [0, 1), like Math.random.
 */
export function nextDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`attempt must be an integer >= 1, got ${attempt}`);
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * cap);
}

/** Where an operation stands after a failed attempt. */
export interface RetryState {
  /** Attempts made so far, all failed (>= 1). */
  failedAttempts: number;
  /** Milliseconds since the first of them failed. */
  sinceFirstFailureMs: number;
}

/**
 * The delay before the next attempt, or null when the operation should give up: the attempts
 * are used up or the budget is spent. The delay is cut so that the last attempt starts when the
 * budget ends, not after.
 */
export function planRetry(policy: RetryPolicy, state: RetryState, random: () => number = Math.random): number | null {
  if (policy.attempts !== undefined && state.failedAttempts >= policy.attempts) return null;
  const remaining = policy.budgetMs - state.sinceFirstFailureMs;
  if (remaining <= 0) return null;
  return Math.min(nextDelay(policy, state.failedAttempts, random), remaining);
}

/** Throws a RangeError naming the first bad field; returns the policy for chaining. */
export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  const { attempts, baseDelayMs, maxDelayMs, budgetMs } = policy;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 1)) {
    throw new RangeError(`retry policy: "attempts" must be an integer >= 1 when given, got ${attempts}`);
  }
  for (const [name, value] of [['baseDelayMs', baseDelayMs], ['maxDelayMs', maxDelayMs], ['budgetMs', budgetMs]] as const) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry policy: "${name}" must be a finite number >= 0, got ${value}`);
  }
  if (maxDelayMs < baseDelayMs) throw new RangeError(`retry policy: "maxDelayMs" (${maxDelayMs}) must be >= "baseDelayMs" (${baseDelayMs})`);
  return policy;
}
