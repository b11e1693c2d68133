/**
 * @gomr/storage: the one interface gomr moves data through, with two backends (a local
 * directory and S3) that pass the same contract tests.
 *
 * ```ts
 * import { openStorage, storageConfigFromEnv, NotFoundError } from '@gomr/storage';
 *
 * const storage = await openStorage(storageConfigFromEnv()); // GOMR_STORAGE=local|s3, ...
 * await storage.put('jobs/j1/spec.json', JSON.stringify(spec));
 * const split = await storage.getStream('inputs/books.txt', { start: 0, end: 64 << 20 });
 * const writer = await storage.createWriter('jobs/j1/out/part-00000');
 * writer.end('the\t42\n');
 * await writer.done(); // visible only now
 * try { await storage.get('missing'); } catch (e) { if (e instanceof NotFoundError) ... }
 * await storage.close();
 * ```
 *
 * On S3, transient failures (resets, refused connections, stalls, 5xx) are retried with backoff
 * and jitter for up to 30 s per operation; then it fails with StorageUnreachableError. Tune with
 * `openStorage(config, { retry: { budgetMs: 5000 } })` or GOMR_STORAGE_RETRY_BUDGET_MS etc.
 *
 * Test helpers (an in-process S3 server, a fault-injecting TCP proxy) live in
 * `@gomr/storage/testing`.
 */
export type { Storage, ObjectWriter, ObjectInfo, ByteRange } from './storage.js';
export type { StorageConfig, LocalStorageConfig, S3StorageConfig } from './storage-config.js';
// Job option defaults, read by the CLI, the master, the worker and runJob alike.
export { JOB_DEFAULTS } from './job-options.js';
export { describeStorage } from './storage-config.js';
export { NotFoundError, BucketNotFoundError, InvalidKeyError, StorageUnavailableError, StorageUnreachableError, ObjectChangedError } from './errors.js';
export { compressionOf, compressionProblem, zstdAvailable, COMPRESSION_SUFFIXES, ZSTD_NODE_VERSION, type Compression } from './compression.js';
export { joinKey, validateKey, validatePrefix, keyProblem, compareKeys } from './keys.js';
export { LocalStorage, type LocalStorageOptions } from './local-storage.js';
export { DEFAULT_S3_REGION, DEFAULT_REQUEST_TIMEOUT_MS } from './s3-defaults.js';
// S3Storage itself: `@gomr/storage/s3` (or openStorage), so importing this index does not load minio.
export { RetryingStorage } from './retrying-storage.js';
export { Retrier, isRetryable, type RetrySettings, type RetryEvent } from './retrier.js';
export { DEFAULT_RETRY_POLICY, nextDelay, planRetry, validateRetryPolicy, type RetryPolicy, type RetryState } from './retry-policy.js';
export {
  compileStorageOptions,
  formatRetry,
  STORAGE_RETRY_ENV,
  type OpenStorageOptions,
  type StorageOptionsWithDefaults,
} from './storage-options.js';
export {
  openStorage,
  validateStorageConfig,
  storageConfigFromEnv,
  storageConfigToEnv,
  STORAGE_ENV,
} from './open-storage.js';
// Pure planning over object sizes; shared by the master and the SDK's in-process runner.
export { planSplits, splitInputs, type Split, type SplitInput } from './plan-splits.js';
// The records of a task's end that master and workers share: its runs and its failure.
export { DEAD_LETTER_PARTITION, type RunObject } from './run-object.js';
export type { TaskError } from './task-error.js';
// A job's storage layout: every object key, part and run names, task ids, failure kinds.
export {
  jobKeys, partName, mapPartName, runName, taskId, parseTaskId, compareTaskIds, isFailureKind, isFinalJobState, summaryJobId,
  TASK_ID_PATTERN, PART_FILE_NAME, RUN_SUFFIX, GZIP_SUFFIX, SKIPPED_DIR, ATTEMPT_SKIPPED_NAME, WORKER_BUNDLE_NAME, JOBS_PREFIX, FAILURE_KINDS,
  type TaskKind, type FailureKind, type FinalJobState,
} from './job-layout.js';
// Process logs as numbered chunk objects under the job's prefix (they outlive the process).
export { LogShipper, readLog, listLogs, logPrefix, jobLogsPrefix, logFlushMsFromEnv, DEFAULT_LOG_FLUSH_MS, type LogShipperOptions } from './log-objects.js';
export { teeProcessOutput } from './tee-process-output.js';
