import { UsageError } from '../../errors.js';

/** A worker pod's memory limit when neither --worker-memory-limit nor --executor-heap-mb is given. */
export const DEFAULT_WORKER_MEMORY_LIMIT = '1Gi';

/**
 * What a worker needs beyond its executor thread's heap limit: the young generation (24 MiB),
 * the main thread (gRPC), Buffers outside the heap (reads, spills), code and Node itself. Word
 * count peaks at ~140 MB per worker of which 45-60 MB is the executor's heap, so 512 MiB leaves
 * room for a task whose Buffers are large too.
 */
export const WORKER_MEMORY_HEADROOM_MIB = 512;

const MiB = 1024 * 1024;
const SUFFIX: Record<string, number> = {
  '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/**
 * Bytes of a Kubernetes memory quantity ("1Gi", "1500M", "2e9", "1073741824"); undefined for
 * what this does not read (the API server then judges it when the Job is created).
 */
export function memoryQuantityBytes(q: string): number | undefined {
  const exp = /^(\d+(?:\.\d*)?|\.\d+)[eE]([+-]?\d+)$/.exec(q);
  if (exp) return Number(exp[1]) * 10 ** Number(exp[2]);
  const m = /^(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(q);
  return m ? Number(m[1]) * SUFFIX[m[2] ?? '']! : undefined;
}

/**
 * The memory limit of a worker pod: the one given, else 1Gi, raised to the executor's heap limit
 * plus the headroom when --executor-heap-mb asks for more than 1Gi can hold (a pod over its
 * limit is killed, where a heap over its limit fails the task with a message that says so).
 */
export function workerMemoryLimit(given: string | undefined, executorHeapMb: number | undefined): string {
  if (given) return given;
  if (executorHeapMb === undefined) return DEFAULT_WORKER_MEMORY_LIMIT;
  const needMib = executorHeapMb + WORKER_MEMORY_HEADROOM_MIB;
  return needMib * MiB > memoryQuantityBytes(DEFAULT_WORKER_MEMORY_LIMIT)! ? `${needMib}Mi` : DEFAULT_WORKER_MEMORY_LIMIT;
}

/**
 * Refuses a --worker-memory-limit that is not above --executor-heap-mb: every pod whose task
 * used the heap it was given would be killed for memory and restarted, again and again.
 */
export function checkWorkerMemoryLimit(given: string | undefined, executorHeapMb: number | undefined): void {
  if (!given || executorHeapMb === undefined) return;
  const bytes = memoryQuantityBytes(given);
  if (bytes === undefined || bytes > executorHeapMb * MiB) return;
  throw new UsageError(
    `--worker-memory-limit ${given} is not above --executor-heap-mb ${executorHeapMb}: a worker pod would be killed for memory before its heap limit is reached; ` +
      `give more, e.g. ${executorHeapMb + WORKER_MEMORY_HEADROOM_MIB}Mi (the heap + ${WORKER_MEMORY_HEADROOM_MIB}Mi for the rest of the worker)`,
  );
}
