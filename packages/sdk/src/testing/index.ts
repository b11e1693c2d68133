/**
 * @gomr/sdk/testing: run a job in-process, as a unit test.
 *
 * ```ts
 * import { test } from 'node:test';
 * import assert from 'node:assert/strict';
 * import { runJob } from '@gomr/sdk/testing';
 *
 * test('counts words', async () => {
 *   const { records } = await runJob(new URL('./worker.ts', import.meta.url), { 'a.txt': 'a b a\n' }, { mappers: 2 });
 *   assert.deepEqual(records, [['a', 2], ['b', 1]]);
 * });
 * ```
 *
 * The job is a worker file (its run() call is captured, nothing else changes in it) or a
 * definition object (`export default run({ ... })` in the worker file, then import it).
 */
import { TESTING_SYMBOL } from '../user-api.js';

// A worker file a test imports after this module declares its job quietly (see run()).
(globalThis as Record<symbol, unknown>)[TESTING_SYMBOL] = true;

export { runJob, type RunJobOptions, type RunJobResult } from './run-job.js';
export { RunJobError } from './run-job-error.js';
export type { JobSource } from './load-job.js';
export type { RunJobInputs } from './test-inputs.js';
