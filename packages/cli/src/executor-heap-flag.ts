import { Flags } from '@oclif/core';

/**
 * The smallest heap limit the executor thread takes: the worker raises a smaller
 * GOMR_EXECUTOR_HEAP_MB to this (executorHeapLimitMb in packages/sdk/src/runtime/task-executor.ts),
 * so the flag refuses one rather than silently give something else. The worker's 0 (V8's
 * default) is not offered: a default sized from the machine is what the flag is there to replace.
 */
export const MIN_EXECUTOR_HEAP_MB = 64;

/** `--executor-heap-mb`, shared by `gomr run` and `gomr start`. */
export const executorHeapFlag = Flags.integer({
  min: MIN_EXECUTOR_HEAP_MB,
  description:
    `heap limit of the thread running user code in each worker, MiB (at least ${MIN_EXECUTOR_HEAP_MB}); raise it for a mapper or ` +
    'reducer that holds more than ~1.5 GB per task [default: 1536, or 8x --spill-mb if more, at most what V8 gives the worker process]',
});
