import type { RunObject, Split, StorageConfig, TaskError } from '@gomr/storage';
import type { SideFileRef } from './side-files.js';
import type { OutputFormatName } from '../data/output-format.js';
import type { OutputCompression } from './output-object.js';

/** Messages between the worker's control thread and the thread that runs user code. */

export interface ExecutorData {
  bundlePath: string;
  storage: StorageConfig;
  inputStorage: StorageConfig;
  spillDir: string;
  /** Memory for the map-side buffer before it spills. */
  spillBytes: number;
}

export interface TaskSpec {
  taskId: string;
  kind: 'MAP' | 'REDUCE';
  index: number;
  attempt: number;
  outputPrefix: string;
  runKeys: string[];
  /** --skip-bad-records: map chunk offsets and reduce keys to leave out. */
  skipOffsets?: number[];
  skipKeys?: string[];
  /** Why each of skipOffsets (MAP) or skipKeys (REDUCE) failed, in the same order. */
  skipErrors?: string[];
  /** MAP of step 0: the split as the master planned it (fileMtimeMs 0 or absent: not checked). */
  split?: Split;
  /** MAP: runs adding up to this many bytes may be returned inline (RunObject.data) instead of written. */
  inlineRunBytes?: number;
  /** REDUCE: the partition's runs in map order, objects (key) or inline (data); when absent, runKeys. */
  runs?: Pick<RunObject, 'key' | 'data'>[];
  /**
   * A job of steps (JobInfo.steps > 1): the task's step (0-based) and that step's reduce count.
   * A MAP past step 0 has no split: it reads runKeys (the step before's output, run format).
   */
  step?: number;
  reducers?: number;
  /**
   * Tasks to run right after this one, in order, in the same thread (a batch of tiny tasks):
   * their outcomes come back with this one's, in the result's `then`, in one message.
   */
  then?: TaskSpec[];
}

/** The outcome of one task of a batch (see TaskSpec.then). */
export type TaskOutcome =
  | { ok: true; outputs: RunObject[]; counters: Record<string, number>; userCounters: Record<string, number>; runMs?: number }
  | { ok: false; error: TaskError; runMs?: number };

export interface JobInfo {
  workerId: string;
  /** 0: a map-only job. */
  reducers: number;
  params: Record<string, string>;
  /** Side files (--file), fetched once per worker before its first task. */
  files?: SideFileRef[];
  /** --sort total: partition by key range at cutPoints instead of by hash. */
  totalOrder?: boolean;
  cutPoints?: string[];
  /** @default 'tsv' */
  outputFormat?: OutputFormatName;
  /** @default 'none' */
  outputCompression?: OutputCompression;
  /** --max-skipped-records: dead-letter lines one task writes. @default DEFAULT_MAX_SKIPPED_RECORDS */
  maxSkippedRecords?: number;
  /** A job of steps: how many (see TaskSpec.step). @default 1 */
  steps?: number;
}

/** The job as one task of a step sees it: the step's reducer count (a job of one step: the job's). */
export function stepJob(task: TaskSpec, job: JobInfo): JobInfo {
  return (job.steps ?? 1) > 1 ? { ...job, reducers: task.reducers ?? 0 } : job;
}

/** A reduce of a step before the last: it writes a run for the next step, not a part file. */
export function writesRun(task: TaskSpec, job: JobInfo): boolean {
  return task.kind === 'REDUCE' && (task.step ?? 0) < (job.steps ?? 1) - 1;
}

/** `load`: the first message, once the worker file is there (the thread may start before it is). */
export type ToExecutor = { type: 'load' } | { type: 'run'; task: TaskSpec; job: JobInfo };

export type FromExecutor =
  | { type: 'ready' }
  /** `workerFile`: the user's file failed to load here (a bad worker file, not a bad machine). */
  | { type: 'fatal'; message: string; workerFile?: { stack?: string } }
  | { type: 'progress'; progress: number }
  /** What user code printed (bounded, labelled with its task), for the worker's stdout or stderr. */
  | { type: 'output'; stream: 'stdout' | 'stderr'; text: string }
  | {
      type: 'result';
      ok: true;
      outputs: RunObject[];
      counters: Record<string, number>;
      userCounters: Record<string, number>;
      then?: TaskOutcome[];
      replaceThread?: boolean;
    }
  | {
      type: 'result'; ok: false; error: TaskError; then?: TaskOutcome[];
      /** User code failed outside its call and may still run: the thread must not run another task. */
      replaceThread?: boolean;
    };
