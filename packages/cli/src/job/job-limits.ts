import { availableParallelism, totalmem } from 'node:os';
import { UsageError } from '../errors.js';

/**
 * Upper limits on what a job may ask for: beyond them a job only spends minutes starting
 * processes or scheduling empty tasks (--mappers 1e9 planned 277,940 tasks for 271 KB;
 * --reducers 100000 writes 100,000 part files; --workers 500 starts 500 processes of ~140 MB).
 */

/** Map tasks: at ~0.6 ms of scheduling each, 100,000 is a minute of overhead already. */
export const MAX_MAPS = 100_000;
/** Reduce tasks, i.e. part files. */
export const MAX_REDUCERS = 10_000;
/** Local workers per CPU: more only queue for the cores (I/O-bound user code may want a few). */
export const WORKERS_PER_CPU = 8;
/** Memory a local worker process takes with its executor thread, for the memory cap. */
export const WORKER_MEMORY_BYTES = 200 * 1024 * 1024;

/** The most local workers this machine can run: WORKERS_PER_CPU per CPU, and the memory for each. */
export function maxLocalWorkers(cpus = availableParallelism(), memoryBytes = totalmem()): number {
  return Math.max(1, Math.min(cpus * WORKERS_PER_CPU, Math.floor(memoryBytes / WORKER_MEMORY_BYTES)));
}

/** Refuses, with one line (exit 2), counts above the limits. */
export function checkJobLimits(o: { workers?: number; maps?: number; reducers: number }): void {
  if (o.maps !== undefined && o.maps > MAX_MAPS) {
    throw new UsageError(`--mappers ${o.maps} is too many: at most ${MAX_MAPS} map tasks (each costs scheduling and a task start whatever its size)`);
  }
  if (o.reducers > MAX_REDUCERS) {
    throw new UsageError(`--reducers ${o.reducers} is too many: at most ${MAX_REDUCERS} reduce tasks (one part file each)`);
  }
  if (o.workers !== undefined) {
    const max = maxLocalWorkers();
    if (o.workers > max) {
      const gib = (totalmem() / 2 ** 30).toFixed(1);
      throw new UsageError(
        `--workers ${o.workers} is more than this machine can run: at most ${max} (${WORKERS_PER_CPU} per CPU and ${WORKER_MEMORY_BYTES >> 20} MiB each; ${availableParallelism()} CPUs, ${gib} GiB)`,
      );
    }
  }
}
