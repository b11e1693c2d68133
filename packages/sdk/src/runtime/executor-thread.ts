/**
 * Entry of the thread that runs user code. The control thread (heartbeats, gRPC) stays
 * responsive however long a mapper computes without yielding.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openStorage, StorageUnreachableError, type Storage } from '@gomr/storage';
import type { ExecutorData, FromExecutor, JobInfo, TaskOutcome, TaskSpec, ToExecutor } from './executor-protocol.js';
import { loadDefinition, WorkerFileError } from './load-definition.js';
import { runMapTask, type TaskEnv } from './map-task.js';
import { runReduceTask } from './reduce-task.js';
import { runMapOnlyTask } from './map-only-task.js';
import { UserCodeError } from './user-code-error.js';
import { InputChangedError } from './input-unchanged.js';
import { guardProcessExit } from './exit-guard.js';
import { bindSideFiles, localSideFiles, type LocalSideFiles } from './side-files.js';
import { catchAsyncUserErrors, runWatched } from './async-user-errors.js';
import { prefixUserOutput, setOutputTask } from './task-output-prefix.js';

const port = parentPort!;
const data = workerData as ExecutorData;
const post = (msg: FromExecutor) => port.postMessage(msg);

/**
 * Progress goes to the control thread at most this often: it only feeds heartbeats (a second
 * or more apart), and a message per chunk would wake the control thread for every tiny task.
 */
const PROGRESS_EVERY_MS = 200;
let lastProgressMs = 0;
function reportProgress(progress: number): void {
  const now = Date.now();
  if (now - lastProgressMs < PROGRESS_EVERY_MS) return;
  lastProgressMs = now;
  post({ type: 'progress', progress });
}

async function start(): Promise<void> {
  guardProcessExit();
  catchAsyncUserErrors();
  prefixUserOutput();
  // Stacks of user code point into worker.ts (the bundle's inline map). Enabled here, in this
  // thread only and after gomr's own code loaded, rather than with --enable-source-maps for
  // the process: that flag makes node parse the maps of gomr's bundles up front, 30-50 MB of
  // heap per worker and 20 MB in the master, for stacks of gomr's own frames.
  process.setSourceMapsEnabled(true);
  let env: TaskEnv;
  try {
    const definition = await loadDefinition(data.bundlePath);
    // This thread has no event loop anyone waits on: small local reads are done synchronously.
    const storage: Storage = await openStorage(data.storage, { syncSmallReads: true });
    const inputStorage: Storage =
      JSON.stringify(data.inputStorage) === JSON.stringify(data.storage) ? storage : await openStorage(data.inputStorage, { syncSmallReads: true });
    env = {
      definition,
      storage,
      inputStorage,
      spillDir: data.spillDir,
      spillBytes: data.spillBytes,
      onProgress: reportProgress,
      // Inputs read in place may change under the job; uploaded copies (in the store) do not.
      inputsMayChange: inputStorage !== storage,
    };
  } catch (err) {
    post({ type: 'fatal', message: (err as Error).message, ...(err instanceof WorkerFileError ? { workerFile: { stack: err.userStack } } : {}) });
    return;
  }
  // Side files are fetched before the first task that needs them, once for this thread.
  let sideFiles: Promise<LocalSideFiles> | undefined;
  /** Set once user code failed outside its call: the task may still run, the thread is replaced. */
  let tainted = false;
  const runOne = async (task: TaskSpec, job: JobInfo): Promise<TaskOutcome> => {
    const started = performance.now();
    const runMs = () => Math.round(performance.now() - started);
    if (job.files?.length) {
      sideFiles ??= localSideFiles(job.files, data.inputStorage, env.inputStorage, `${data.spillDir}/side-files`);
      sideFiles.catch(() => (sideFiles = undefined));
      try {
        bindSideFiles(job.params, await sideFiles);
      } catch (err) {
        return { ok: false as const, error: describe(new Error(`cannot fetch the side files: ${(err as Error).message}`)), runMs: runMs() };
      }
    }
    // No reducers: a map-only job, whose map tasks write the output themselves.
    const runTask = task.kind === 'REDUCE' ? runReduceTask : job.reducers === 0 ? runMapOnlyTask : runMapTask;
    setOutputTask(`${task.taskId}#${task.attempt}`);
    const outcome = await runWatched(() => runTask(task, job, env)).finally(() => setOutputTask(''));
    if ('result' in outcome) return { ok: true as const, ...outcome.result, runMs: runMs() };
    if (outcome.tainted) tainted = true;
    return { ok: false as const, error: describe(outcome.error), runMs: runMs() };
  };
  port.on('message', (msg: ToExecutor) => {
    if (msg.type !== 'run') return;
    const { then: rest, ...first } = msg.task;
    void (async () => {
      const outcome = await runOne(first, msg.job);
      // A batch: the tasks after the first run here too, and all outcomes go back in one message.
      if (!rest?.length) return post({ type: 'result', ...outcome, ...(tainted ? { replaceThread: true } : {}) });
      const then: TaskOutcome[] = [];
      for (const task of rest) then.push(await runOne(task, msg.job));
      post({ type: 'result', ...outcome, then, ...(tainted ? { replaceThread: true } : {}) });
    })();
  });
  post({ type: 'ready' });
}

function describe(err: unknown) {
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

void start();
