import { getHeapStatistics } from 'node:v8';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { ExecutorData, FromExecutor, JobInfo, TaskSpec, ToExecutor } from './executor-protocol.js';
import type { TaskResult } from './map-task.js';
import type { TaskError } from '@gomr/storage';
import { WorkerFileError } from './load-definition.js';

export type ExecutionOutcome =
  | ({ ok: true } & TaskResult)
  | { ok: false; error: TaskError }
  | { ok: false; cancelled: true };

const MiB = 1024 * 1024;

/**
 * Young generation of the executor thread, in MiB: V8 makes it 3 semi-spaces, so 24 gives 8 MiB
 * semi-spaces instead of the default 16. A map task's garbage (a chunk's words, the records of
 * a batch) dies young either way, and a smaller one keeps workers' RSS lower; smaller still
 * costs CPU in scavenges where much survives (a map buffer of object values). The figures:
 * bench/README.md, "Measurements behind defaults".
 */
export const EXECUTOR_YOUNG_GENERATION_MB = 24;

/**
 * Old-generation limit of the executor thread, in MiB, unless GOMR_EXECUTOR_HEAP_MB says
 * otherwise (0: V8's default). Beyond memory for user code, the limit sets how far V8 lets
 * garbage grow the heap before a full collection: with a limit of 2 GiB or more it lets the
 * heap grow to up to 4x what survived the last collection, below 2 GiB to 1.3-2x, so these
 * limits keep the executor's heap a fraction of what V8's defaults let it reach (figures in
 * bench/README.md). At least 8x the map-side buffer (whose heap limit is 2.5x it, see
 * defaultHeapLimit).
 */
export function executorHeapLimitMb(spillBytes: number, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const configured = env.GOMR_EXECUTOR_HEAP_MB;
  if (configured !== undefined && configured !== '') {
    const mb = Number(configured);
    if (!Number.isFinite(mb) || mb < 0) throw new Error(`GOMR_EXECUTOR_HEAP_MB must be a number of MiB (0: no limit), got ${JSON.stringify(configured)}`);
    return mb === 0 ? undefined : Math.max(64, Math.ceil(mb));
  }
  // Never above what V8 would give this process's main thread (it sizes that from the machine).
  const v8Default = Math.floor(getHeapStatistics().heap_size_limit / MiB);
  return Math.min(v8Default, Math.max(1536, Math.ceil((8 * spillBytes) / MiB)));
}

/** The thread running user code filled its heap: the task's own doing (its data or its code), not gomr's. */
export class ExecutorOutOfMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutorOutOfMemoryError';
  }
}

/** The executor thread died because its heap was full. */
function isOutOfMemory(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY';
}

/**
 * Owns the thread that runs user code. One task at a time; `cancel()` terminates the thread
 * (stopping even a mapper stuck in a synchronous loop) and a fresh one starts for the next task.
 */
export class TaskExecutor {
  private worker?: Worker;
  private ready?: Promise<void>;
  /** Whether the current thread was told to load the worker file. */
  private loading = false;
  private pending?: { resolve: (o: ExecutionOutcome) => void; reject: (e: Error) => void };
  /** Latest progress reported by the running task (bytes or records). */
  progress = 0;

  constructor(private readonly data: ExecutorData) {}

  /** Starts the thread and loads the worker file; rejects if the file cannot be loaded. */
  start(): Promise<void> {
    const ready = this.boot();
    if (!this.loading) {
      this.loading = true;
      this.worker!.postMessage({ type: 'load' } satisfies ToExecutor);
    }
    return ready;
  }

  /**
   * Starts the thread, which loads gomr's own code (a new isolate and ~200 KB of bundle: some
   * 35 ms of CPU) and waits: start() has it load the worker file, which need not exist yet. A
   * worker boots it while it waits for the master's address, off the path to its first task.
   */
  boot(): Promise<void> {
    if (this.ready) return this.ready;
    this.loading = false;
    const heapMb = executorHeapLimitMb(this.data.spillBytes);
    const resourceLimits: ResourceLimits = { maxYoungGenerationSizeMb: EXECUTOR_YOUNG_GENERATION_MB };
    if (heapMb !== undefined) resourceLimits.maxOldGenerationSizeMb = heapMb;
    const worker = new Worker(new URL('./executor-thread.js', import.meta.url), { workerData: this.data, resourceLimits });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromExecutor) => {
        switch (msg.type) {
          case 'ready':
            return resolve();
          case 'fatal':
            return reject(msg.workerFile ? new WorkerFileError(msg.message, msg.workerFile.stack) : new Error(msg.message));
          case 'progress':
            this.progress = msg.progress;
            return;
          case 'output':
            (msg.stream === 'stderr' ? process.stderr : process.stdout).write(msg.text);
            return;
          case 'result': {
            const p = this.pending;
            this.pending = undefined;
            if (!p) return;
            const { type: _type, replaceThread, ...outcome } = msg;
            // The thread is ended before the outcome is given: the next task gets a fresh one.
            if (replaceThread) void this.stop().then(() => p.resolve(outcome as ExecutionOutcome));
            else p.resolve(outcome as ExecutionOutcome);
          }
        }
      });
      worker.on('error', (err) => {
        const e = isOutOfMemory(err)
          ? new ExecutorOutOfMemoryError(
              `the task ran out of memory: the heap of the thread running user code is limited to ${heapMb ?? 'V8\'s default'} MiB` +
                (heapMb === undefined ? '' : ' (--executor-heap-mb, or GOMR_EXECUTOR_HEAP_MB on the workers, raises it; 0 in the variable means V8\'s default)'),
            )
          : err;
        reject(e);
        this.failPending(e);
      });
      worker.on('exit', (code) => {
        if (this.worker === worker) {
          this.worker = undefined;
          this.ready = undefined;
        }
        reject(new Error(`executor thread exited with code ${code}`));
        this.failPending(new Error(`executor thread exited with code ${code}`));
      });
    });
    // Booted, the thread may fail before anyone waits for it: start() hands the rejection on.
    this.ready.catch(() => {});
    return this.ready;
  }

  async run(task: TaskSpec, job: JobInfo): Promise<ExecutionOutcome> {
    await this.start();
    this.progress = 0;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker!.postMessage({ type: 'run', task, job } satisfies ToExecutor);
    });
  }

  /** Abandons the running task: the thread is terminated and restarted lazily. */
  async cancel(): Promise<void> {
    const p = this.pending;
    this.pending = undefined;
    p?.resolve({ ok: false, cancelled: true });
    await this.stop();
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (w) await w.terminate();
  }

  private failPending(err: Error): void {
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }
}
