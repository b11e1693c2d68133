/**
 * The retry loop: runs an operation, and while it fails with an error marked `retryable`,
 * waits as the RetryPolicy says and runs it again. Anything else (NotFoundError, a bad key,
 * access denied) is thrown at once. When the policy gives up, the last failure is thrown as a
 * StorageUnreachableError that says for how long the store failed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageUnreachableError } from './errors.js';
import { planRetry, validateRetryPolicy, type RetryPolicy } from './retry-policy.js';

/** One retry about to happen: for logs and counters. */
export interface RetryEvent {
  /** The store's `describe`. */
  describe: string;
  /** e.g. "get jobs/j1/input/a.txt", "upload part 3 of out/part-00000". */
  operation: string;
  /** The retry's number: 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: unknown;
}

export interface RetrySettings {
  policy: RetryPolicy;
  /** Called before each wait; must not throw. @default no-op */
  onRetry?: (event: RetryEvent) => void;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
}

/** Whether an error says of itself that trying again may work (see errors.ts). */
export function isRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable === true;
}

/** A failure that happened before run() was called (a response that broke off midway). */
export interface PreviousFailure {
  error: unknown;
  /** When the failed attempt started (or, for a broken stream, when it broke). */
  startedAt: number;
}

export class Retrier {
  readonly policy: RetryPolicy;
  /** Retries made so far by this retrier (all operations). */
  retries = 0;
  private readonly onRetry: (event: RetryEvent) => void;
  private readonly random: () => number;

  constructor(
    /** The store's `describe`, named in the error when retrying gives up. */
    readonly describe: string,
    settings: RetrySettings,
  ) {
    this.policy = validateRetryPolicy({ ...settings.policy });
    this.onRetry = settings.onRetry ?? (() => {});
    this.random = settings.random ?? Math.random;
  }

  /**
   * Runs `attempt` until it succeeds, fails with a non-retryable error, or the policy gives up.
   * `operation` names what is being done, in logs and in the final error.
   */
  async run<T>(operation: string, attempt: () => Promise<T>, previous?: PreviousFailure): Promise<T> {
    let failed = 0;
    let firstAttemptStart = 0;
    let firstFailureAt = 0;
    let startNext = Date.now();
    const failedWith = async (error: unknown): Promise<void> => {
      // An operation that has already used up its own budget is not retried again on top.
      if (!isRetryable(error) || error instanceof StorageUnreachableError) throw error;
      const now = Date.now();
      if (failed++ === 0) {
        firstAttemptStart = startNext;
        firstFailureAt = now;
      }
      const delayMs = planRetry(this.policy, { failedAttempts: failed, sinceFirstFailureMs: now - firstFailureAt }, this.random);
      if (delayMs === null) throw new StorageUnreachableError(this.describe, error, operation, failed, now - firstAttemptStart);
      this.retries++;
      this.onRetry({ describe: this.describe, operation, attempt: failed, delayMs, error });
      if (delayMs > 0) await sleep(delayMs);
    };
    if (previous) {
      startNext = previous.startedAt;
      await failedWith(previous.error);
    }
    for (;;) {
      startNext = Date.now();
      try {
        return await attempt();
      } catch (error) {
        await failedWith(error);
      }
    }
  }
}
