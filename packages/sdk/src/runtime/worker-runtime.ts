import { hostname } from 'node:os';
import { mkdir, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { MasterConnection, type Task__Output } from '@gomr/proto';
import { TaskExecutor } from './task-executor.js';
import type { JobInfo, TaskSpec } from './executor-protocol.js';
import { withDefaults, type WorkerOptions, type WorkerOptionsWithDefaults } from './worker-options.js';

export type WorkerState = 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';

const SDK_VERSION = '0.1.0';

function isCode(err: unknown, code: grpcStatus): boolean {
  return (err as ServiceError)?.code === code;
}

/**
 * A worker process's control loop: registers, asks for tasks, hands them to the executor
 * thread, reports, and heartbeats on a timer that user code cannot block.
 */
export class WorkerRuntime {
  state: WorkerState = 'INITIALIZED';
  workerId = '';
  private readonly opts: WorkerOptionsWithDefaults;
  private readonly master: MasterConnection;
  private readonly executor: TaskExecutor;
  private job?: JobInfo;
  private heartbeatTimer?: NodeJS.Timeout;
  private current?: { taskId: string; attempt: number };
  /** Tasks completed by this worker, for logs and tests. */
  tasksRun = 0;

  constructor(options: WorkerOptions) {
    this.opts = withDefaults(options);
    this.master = new MasterConnection(this.opts.master, { token: this.opts.token, ...(this.opts.tlsCa ? { tlsCa: this.opts.tlsCa } : {}) });
    this.executor = new TaskExecutor({
      bundlePath: this.opts.bundlePath,
      storage: this.opts.storage,
      inputStorage: this.opts.inputStorage,
      spillDir: this.opts.spillDir,
      spillBytes: this.opts.spillBytes,
    });
  }

  private log(line: string): void {
    this.opts.log?.(`${this.workerId || 'worker'} ${line}`);
  }

  /** Runs until the master says the job is over (resolves) or something fatal happens (rejects). */
  async run(): Promise<void> {
    if (this.state !== 'INITIALIZED') throw new Error(`cannot run a worker in state ${this.state}`);
    this.state = 'RUNNING';
    try {
      await mkdir(this.opts.spillDir, { recursive: true });
      await this.executor.start();
      await this.register();
      this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
      await this.loop();
      this.state = 'STOPPED';
    } catch (err) {
      this.state = 'FAILED';
      throw err;
    } finally {
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      await this.executor.stop();
      this.master.close();
      await rm(this.opts.spillDir, { recursive: true, force: true });
    }
  }

  /** Finishes the current task, then stops (SIGTERM). */
  drain(): void {
    if (this.state === 'RUNNING') this.state = 'STOPPING';
  }

  private heartbeatMs = 1000;

  private async register(): Promise<void> {
    const reply = await this.withMasterRetry(() =>
      this.master.register({ host: hostname(), pid: process.pid, version: SDK_VERSION }),
    );
    this.workerId = reply.workerId;
    this.heartbeatMs = reply.heartbeatIntervalMs || 1000;
    this.job = { workerId: reply.workerId, reducers: reply.reducers, params: { ...reply.params } };
    this.log(`registered for job ${reply.jobId}`);
    this.opts.onRegistered?.(reply.workerId);
  }

  private async loop(): Promise<void> {
    while (this.state === 'RUNNING') {
      let reply;
      try {
        reply = await this.withMasterRetry(() => this.master.getTask({ workerId: this.workerId }));
      } catch (err) {
        if (isCode(err, grpcStatus.NOT_FOUND)) {
          await this.register();
          continue;
        }
        throw err;
      }
      if (reply.action === 'EXIT') return;
      if (reply.action === 'WAIT' || !reply.task) {
        await sleep(reply.waitMs || 50);
        continue;
      }
      await this.runTask(reply.task);
    }
  }

  private async runTask(t: Task__Output): Promise<void> {
    const task: TaskSpec = {
      taskId: t.taskId,
      kind: t.kind === 'REDUCE' ? 'REDUCE' : 'MAP',
      index: t.index,
      attempt: t.attempt,
      outputPrefix: t.outputPrefix,
      runKeys: t.runKeys,
      skipOffsets: t.skipOffsets,
      skipKeys: t.skipKeys,
      ...(t.split ? { split: { ...t.split } } : {}),
    };
    this.current = { taskId: task.taskId, attempt: task.attempt };
    let outcome;
    try {
      outcome = await this.executor.run(task, this.job!);
    } catch (err) {
      // The executor thread died (out of memory, native crash): report it as a failure.
      outcome = { ok: false as const, error: { message: (err as Error).message, stack: (err as Error).stack ?? '', input: '', offset: 0, key: '', userCode: false } };
    } finally {
      this.current = undefined;
    }
    if ('cancelled' in outcome) {
      this.log(`task ${task.taskId}#${task.attempt} cancelled by the master`);
      return;
    }
    this.tasksRun++;
    const report = outcome.ok
      ? { workerId: this.workerId, taskId: task.taskId, attempt: task.attempt, ok: true, outputs: outcome.outputs, counters: outcome.counters, userCounters: outcome.userCounters }
      : { workerId: this.workerId, taskId: task.taskId, attempt: task.attempt, ok: false, error: outcome.error };
    await this.withMasterRetry(() => this.master.reportTask(report));
  }

  private async heartbeat(): Promise<void> {
    if (!this.workerId) return;
    try {
      const cur = this.current;
      const reply = await this.master.heartbeat({
        workerId: this.workerId,
        taskId: cur?.taskId ?? '',
        attempt: cur?.attempt ?? 0,
        progress: this.executor.progress,
      });
      if (cur && reply.cancelCurrent && this.current === cur) await this.executor.cancel();
    } catch {
      // The loop notices a master that stays away; a missed heartbeat alone is not fatal.
    }
  }

  /** Retries calls while the master is unreachable (restarting), up to masterRetryMs. */
  private async withMasterRetry<T>(fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.opts.masterRetryMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        return await fn();
      } catch (err) {
        const retryable = isCode(err, grpcStatus.UNAVAILABLE) || isCode(err, grpcStatus.DEADLINE_EXCEEDED);
        if (!retryable || Date.now() + delay > deadline) {
          if (retryable) throw new Error(`master ${this.opts.master} unreachable for ${this.opts.masterRetryMs} ms: ${(err as Error).message}`);
          throw err;
        }
        await sleep(delay * (0.5 + Math.random()));
      }
    }
  }
}
