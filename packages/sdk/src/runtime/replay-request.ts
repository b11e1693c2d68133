import type { TaskError } from '@gomr/storage';
import type { ExecutorData, JobInfo, TaskSpec } from './executor-protocol.js';
import type { ReplayNarrowing } from './map-task.js';

/**
 * What `gomr replay` hands replay-main.ts (a JSON file): one task attempt, as the master handed
 * it to a worker, and how to narrow it.
 */
export interface ReplayRequest {
  data: ExecutorData;
  task: TaskSpec;
  job: JobInfo;
  only?: ReplayNarrowing;
}

/** What replay-main.ts writes back (a JSON file): how the task ended on this machine. */
export type ReplayResult =
  | { ok: true; counters: Record<string, number>; userCounters: Record<string, number>; runMs: number }
  | { ok: false; error: TaskError; runMs: number }
  /** The worker file did not load: nothing ran. */
  | { ok: false; workerFile: { message: string; stack?: string } };
