import { Worker } from 'node:worker_threads';
import type { ExecutorData, FromExecutor, JobInfo, TaskSpec } from './executor-protocol.js';
import type { TaskResult } from './map-task.js';
import type { TaskErrorInfo } from './executor-protocol.js';

export type ExecutionOutcome =
  | ({ ok: true } & TaskResult)
  | { ok: false; error: TaskErrorInfo }
  | { ok: false; cancelled: true };

/**
 * Owns the thread that runs user code. One task at a time; `cancel()` terminates the thread
 * (stopping even a mapper stuck in a synchronous loop) and a fresh one starts for the next task.
 */
export class TaskExecutor {
  private worker?: Worker;
  private ready?: Promise<void>;
  private pending?: { resolve: (o: ExecutionOutcome) => void; reject: (e: Error) => void };
  /** Latest progress reported by the running task (bytes or records). */
  progress = 0;

  constructor(private readonly data: ExecutorData) {}

  /** Starts the thread and loads the worker file; rejects if the file cannot be loaded. */
  start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(new URL('./executor-thread.js', import.meta.url), { workerData: this.data });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (msg: FromExecutor) => {
        switch (msg.type) {
          case 'ready':
            return resolve();
          case 'fatal':
            return reject(new Error(msg.message));
          case 'progress':
            this.progress = msg.progress;
            return;
          case 'result': {
            const p = this.pending;
            this.pending = undefined;
            if (!p) return;
            const { type: _type, ...outcome } = msg;
            p.resolve(outcome as ExecutionOutcome);
          }
        }
      });
      worker.on('error', (err) => {
        reject(err);
        this.failPending(err);
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
    return this.ready;
  }

  async run(task: TaskSpec, job: JobInfo): Promise<ExecutionOutcome> {
    await this.start();
    this.progress = 0;
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker!.postMessage({ type: 'run', task, job });
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
