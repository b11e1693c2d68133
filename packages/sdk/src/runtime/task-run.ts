/**
 * Running one task the way the executor thread does: the job's definition and storage opened
 * once (openTaskEnv), then, per task, its side files bound, the runner its kind needs called
 * under the watch for asynchronous user errors, and the error described for the master.
 * Shared by the executor thread and `gomr replay` (replay-main.ts), so a replay goes down the
 * very path the attempt it re-runs went down.
 */
import { openStorage, StorageUnreachableError, type Storage, type TaskError } from '@gomr/storage';
import { stepJob, type ExecutorData, type JobInfo, type TaskOutcome, type TaskSpec } from './executor-protocol.js';
import { jobSteps } from '../job-steps.js';
import type { JobDefinition } from '../user-api.js';
import { loadDefinition } from './load-definition.js';
import { runMapTask, type TaskEnv } from './map-task.js';
import { runReduceTask } from './reduce-task.js';
import { runMapOnlyTask } from './map-only-task.js';
import { UserCodeError } from './user-code-error.js';
import { InputChangedError } from './input-unchanged.js';
import { bindSideFiles, localSideFiles, type LocalSideFiles } from './side-files.js';
import { runWatched } from './async-user-errors.js';
import type { BoundedUserOutput } from './user-output.js';

/** A task's environment, with every step's code of a job of steps (one entry for a job of one). */
export type RunnerEnv = TaskEnv & { steps: readonly JobDefinition[] };

/** Loads the worker file and opens the job's storage; rejects (WorkerFileError) if the file does not load. */
export async function openTaskEnv(data: ExecutorData, onProgress: (progress: number) => void): Promise<RunnerEnv> {
  const steps = jobSteps(await loadDefinition(data.bundlePath));
  const definition = steps[0]!;
  // The thread running user code has no event loop anyone waits on: small local reads are synchronous.
  const storage: Storage = await openStorage(data.storage, { syncSmallReads: true });
  const inputStorage: Storage =
    JSON.stringify(data.inputStorage) === JSON.stringify(data.storage) ? storage : await openStorage(data.inputStorage, { syncSmallReads: true });
  return {
    definition,
    steps,
    storage,
    inputStorage,
    spillDir: data.spillDir,
    spillBytes: data.spillBytes,
    onProgress,
    // Inputs read in place may change under the job; uploaded copies (in the store) do not.
    inputsMayChange: inputStorage !== storage,
  };
}

/** Runs tasks in one thread; side files are fetched before the first task that needs them. */
export class TaskRunner {
  private sideFiles: Promise<LocalSideFiles> | undefined;
  /** Set once user code failed outside its call: the task may still run, the thread must be replaced. */
  tainted = false;

  constructor(
    private readonly data: ExecutorData,
    private readonly env: RunnerEnv,
    /** The executor thread's bound on what user code prints; a replay prints all of it. */
    private readonly userOutput?: BoundedUserOutput,
  ) {}

  async run(task: TaskSpec, job: JobInfo): Promise<TaskOutcome> {
    const started = performance.now();
    const runMs = () => Math.round(performance.now() - started);
    if (job.files?.length) {
      this.sideFiles ??= localSideFiles(job.files, this.data.storage, this.env.storage, `${this.data.spillDir}/side-files`);
      this.sideFiles.catch(() => (this.sideFiles = undefined));
      try {
        bindSideFiles(job.params, await this.sideFiles);
      } catch (err) {
        return { ok: false as const, error: describeError(new Error(`cannot fetch the side files: ${(err as Error).message}`)), runMs: runMs() };
      }
    }
    // A job of steps: the task's step's code, and its reducer count.
    const definition = this.env.steps[task.step ?? 0];
    if (!definition) return { ok: false as const, error: describeError(new Error(`task ${task.taskId}: the worker file has no step ${(task.step ?? 0) + 1}`)), runMs: runMs() };
    const taskJob = stepJob(task, job);
    const taskEnv = definition === this.env.definition ? this.env : { ...this.env, definition };
    // No reducers: a map-only job (or last step), whose map tasks write the output themselves.
    const runTask = task.kind === 'REDUCE' ? runReduceTask : taskJob.reducers === 0 ? runMapOnlyTask : runMapTask;
    this.userOutput?.beginTask(`${task.taskId}#${task.attempt}`);
    const outcome = await runWatched(() => runTask(task, taskJob, taskEnv));
    const dropped = this.userOutput?.endTask().droppedLines ?? 0;
    if ('result' in outcome) {
      const counters = dropped ? { ...outcome.result.counters, userOutputDroppedLines: dropped } : outcome.result.counters;
      return { ok: true as const, ...outcome.result, counters, runMs: runMs() };
    }
    if (outcome.tainted) this.tainted = true;
    return { ok: false as const, error: describeError(outcome.error), runMs: runMs() };
  }
}

/** An error as the master records it: the user's (with where) or gomr's own. */
export function describeError(err: unknown): TaskError {
  if (err instanceof UserCodeError) {
    return { message: err.message, stack: err.stack ?? '', input: err.input, offset: err.offset, key: err.key, userCode: true };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    message: e.message, stack: e.stack ?? '', input: '', offset: 0, key: '', userCode: false,
    storageUnreachable: err instanceof StorageUnreachableError,
    inputChanged: err instanceof InputChangedError,
  };
}
