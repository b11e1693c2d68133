/**
 * How openStorage makes a store resilient: options with documented defaults, environment
 * overrides (so a job's master, workers and CLI, which all open storage themselves, can be
 * tuned together), and the one function that compiles them and fails early on bad values.
 *
 * Precedence: an option given in code, then the environment, then the default.
 */
import { StorageUnavailableError } from './errors.js';
import type { RetryEvent } from './retrier.js';
import { DEFAULT_RETRY_POLICY, validateRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from './s3-defaults.js';

export interface OpenStorageOptions {
  /**
   * Retry transient S3 failures with this policy (fields left out take the environment's value,
   * else the default); `false` opens the bare backend, which fails on the first error.
   * @default DEFAULT_RETRY_POLICY: base 100 ms, max 5 s, budget 30 s, no attempt cap
   */
  retry?: Partial<RetryPolicy> | false;
  /** An S3 request that moves no byte for this long is a retryable failure. 0: none. @default 30000 */
  requestTimeoutMs?: number;
  /** Called before each retry. @default one line on stderr, unless GOMR_STORAGE_LOG_RETRIES=0 */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Called with what an S3 store could not do and does not fail for (e.g. a server that cannot
   * list incomplete multipart uploads, so deletePrefix leaves them). @default one line on stderr
   */
  onWarning?: (message: string) => void;
  /** Where the overrides below are read. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Local stores: read small ranges (see LocalStorage's syncReadMaxBytes) synchronously. For a
   * thread with no event loop to keep responsive (a worker's executor thread), where one small
   * read costs less than the four thread-pool round trips of open, stat, read and close.
   * @default false
   */
  syncSmallReads?: boolean;
  /** S3: create the bucket when it is missing; false for a store only read (inputs). @default true */
  createBucket?: boolean;
}

/** Environment overrides, all in milliseconds except the attempt count and the log switch. */
export const STORAGE_RETRY_ENV = {
  attempts: 'GOMR_STORAGE_RETRY_ATTEMPTS',
  baseDelayMs: 'GOMR_STORAGE_RETRY_BASE_MS',
  maxDelayMs: 'GOMR_STORAGE_RETRY_MAX_MS',
  budgetMs: 'GOMR_STORAGE_RETRY_BUDGET_MS',
  requestTimeoutMs: 'GOMR_STORAGE_REQUEST_TIMEOUT_MS',
  /** "0" silences the line logged per retry. */
  logRetries: 'GOMR_STORAGE_LOG_RETRIES',
} as const;

export interface StorageOptionsWithDefaults {
  /** null: no retries. */
  retry: RetryPolicy | null;
  requestTimeoutMs: number;
  onRetry: (event: RetryEvent) => void;
  onWarning: (message: string) => void;
}

export function compileStorageOptions(options: OpenStorageOptions = {}): StorageOptionsWithDefaults {
  const env = options.env ?? process.env;
  const fromEnv = (name: string, min: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`environment variable ${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    return value;
  };
  const requestTimeoutMs = options.requestTimeoutMs ?? fromEnv(STORAGE_RETRY_ENV.requestTimeoutMs, 0) ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs < 0) {
    throw new RangeError(`storage options: "requestTimeoutMs" must be a finite number >= 0, got ${requestTimeoutMs}`);
  }
  const quiet = env[STORAGE_RETRY_ENV.logRetries] === '0';
  const onRetry = options.onRetry ?? (quiet ? () => {} : logRetry);
  const onWarning = options.onWarning ?? logWarning;
  if (options.retry === false) return { retry: null, requestTimeoutMs, onRetry, onWarning };
  const given = options.retry ?? {};
  const policy: RetryPolicy = {
    baseDelayMs: given.baseDelayMs ?? fromEnv(STORAGE_RETRY_ENV.baseDelayMs, 0) ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: given.maxDelayMs ?? fromEnv(STORAGE_RETRY_ENV.maxDelayMs, 0) ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    budgetMs: given.budgetMs ?? fromEnv(STORAGE_RETRY_ENV.budgetMs, 0) ?? DEFAULT_RETRY_POLICY.budgetMs,
  };
  const attempts = given.attempts ?? fromEnv(STORAGE_RETRY_ENV.attempts, 1);
  if (attempts !== undefined) policy.attempts = attempts;
  return { retry: validateRetryPolicy(policy), requestTimeoutMs, onRetry, onWarning };
}

/** The default onRetry: one line, so that a flaky store shows in the master's and workers' logs. */
export function formatRetry(event: RetryEvent): string {
  const error = event.error;
  const root = error instanceof StorageUnavailableError ? error.cause : error;
  const cause = root instanceof Error ? root.message || root.name : String(root);
  return `storage ${event.describe}: ${event.operation} failed (${cause}); retry ${event.attempt} in ${event.delayMs} ms`;
}

function logRetry(event: RetryEvent): void {
  process.stderr.write(`${new Date().toISOString()} ${formatRetry(event)}\n`);
}

function logWarning(message: string): void {
  process.stderr.write(`${new Date().toISOString()} ${message}\n`);
}
