/**
 * Entry of the thread that runs user code. The control thread (heartbeats, gRPC) stays
 * responsive however long a mapper computes without yielding.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ExecutorData, FromExecutor, TaskOutcome, ToExecutor } from './executor-protocol.js';
import { WorkerFileError } from './load-definition.js';
import { guardProcessExit } from './exit-guard.js';
import { catchAsyncUserErrors } from './async-user-errors.js';
import { openTaskEnv, TaskRunner, type RunnerEnv } from './task-run.js';
import { BoundedUserOutput } from './user-output.js';

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
  // User output travels on the task's own port, ahead of the task's result, rather than through
  // the thread's stdio (a channel of its own, unordered with this port): whatever a task printed
  // is in the worker's log before the master hears the task ended, and before the process exits.
  const userOutput = BoundedUserOutput.install({
    stdout: (text) => post({ type: 'output', stream: 'stdout', text }),
    stderr: (text) => post({ type: 'output', stream: 'stderr', text }),
  });
  catchAsyncUserErrors();
  // Stacks of user code point into worker.ts (the bundle's inline map). Enabled here, in this
  // thread only and after gomr's own code loaded, rather than with --enable-source-maps for
  // the process: that flag makes node parse the maps of gomr's bundles up front, 30-50 MB of
  // heap per worker and 20 MB in the master, for stacks of gomr's own frames.
  process.setSourceMapsEnabled(true);
  // The thread is started before the worker file may exist (see TaskExecutor.boot): its own
  // code is loaded by now, the user's once told.
  await new Promise<void>((resolve) => port.once('message', () => resolve()));
  let env: RunnerEnv;
  try {
    env = await openTaskEnv(data, reportProgress);
  } catch (err) {
    post({ type: 'fatal', message: (err as Error).message, ...(err instanceof WorkerFileError ? { workerFile: { stack: err.userStack } } : {}) });
    return;
  }
  const runner = new TaskRunner(data, env, userOutput);
  port.on('message', (msg: ToExecutor) => {
    if (msg.type !== 'run') return;
    const { then: rest, ...first } = msg.task;
    void (async () => {
      const outcome = await runner.run(first, msg.job);
      // A batch: the tasks after the first run here too, and all outcomes go back in one message.
      if (!rest?.length) return post({ type: 'result', ...outcome, ...(runner.tainted ? { replaceThread: true } : {}) });
      const then: TaskOutcome[] = [];
      for (const task of rest) then.push(await runner.run(task, msg.job));
      post({ type: 'result', ...outcome, then, ...(runner.tainted ? { replaceThread: true } : {}) });
    })();
  });
  post({ type: 'ready' });
}

void start();
