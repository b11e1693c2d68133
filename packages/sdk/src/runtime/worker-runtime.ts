import { hostname } from 'node:os';
import { mkdir, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { MasterConnection, type GetTaskReply__Output, type ReportTaskRequest, type TaskChannel, type Task__Output } from '@gomr/proto';
import { JOB_DEFAULTS } from '@gomr/storage/job-options';
import { ExecutorOutOfMemoryError, TaskExecutor, type ExecutionOutcome } from './task-executor.js';
import type { JobInfo, TaskOutcome, TaskSpec } from './executor-protocol.js';
import { withDefaults, type WorkerOptions, type WorkerOptionsWithDefaults } from './worker-options.js';

export type WorkerState = 'INITIALIZED' | 'RUNNING' | 'STOPPING' | 'STOPPED' | 'FAILED';

const SDK_VERSION = '0.1.0';

/**
 * How long the master may hold a request for work when none is free (long poll): it answers as
 * soon as a task frees up, so an idle worker neither polls nor sleeps past that moment.
 */
const TASK_WAIT_MS = 1000;

/**
 * Tasks a worker asks for at once while its tasks are tiny (each under BATCH_BELOW_MS in the
 * executor): it runs them in order and reports them together, one round trip to the master per
 * batch instead of per task. The master batches only small map splits, and only while plenty
 * are left.
 */
const BATCH_TASKS = 8;
const BATCH_BELOW_MS = 20;

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
  /** Set in run(), once the master's address is known. */
  private master!: MasterConnection;
  /** Gets and reports as messages on one stream (a unary call per task costs ~5x more). */
  private tasks!: TaskChannel;
  private readonly executor: TaskExecutor;
  private job?: JobInfo;
  /** The job, once the master has accepted the worker. */
  jobId = '';
  private heartbeatTimer?: NodeJS.Timeout;
  private current?: { taskId: string; attempt: number };
  /** Cancels a get held open at the master, so a draining worker stops waiting for work. */
  private waitingForWork?: AbortController;
  /** Tasks completed by this worker, for logs and tests. */
  tasksRun = 0;
  /**
   * True once the master said EXIT (the job is over). A worker that stops without it (drained
   * by SIGTERM: a pod evicted, preempted or deleted) has not finished its part; its process
   * must say so with a non-zero exit code, or a Kubernetes Job counts it as completed.
   */
  toldToExit = false;
  /** How many tasks to ask for at once: BATCH_TASKS while tasks are tiny, else 1. */
  private batch = 1;
  /** Set once the executor thread died during a batch: one task at a time from then on. */
  private noBatches = false;

  constructor(options: WorkerOptions) {
    this.opts = withDefaults(options);
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
      // Booted first: the thread loads gomr's code while the master's address is awaited.
      void this.executor.boot();
      const master = new MasterConnection(await this.opts.master, { token: this.opts.token, ...(this.opts.tlsCa ? { tlsCa: this.opts.tlsCa } : {}) });
      this.master = master;
      this.tasks = master.taskChannel();
      await mkdir(this.opts.spillDir, { recursive: true });
      // The executor thread loads the user's code while the master registers us.
      const registered = this.register();
      registered.catch(() => {});
      await this.executor.start();
      await registered;
      // Told only now: a worker whose user code cannot load has not started, whatever the master knows.
      this.opts.onRegistered?.(this.workerId);
      this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
      await this.loop();
      this.state = 'STOPPED';
    } catch (err) {
      this.state = 'FAILED';
      throw err;
    } finally {
      if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
      await this.executor.stop();
      // Unset when the address never came.
      this.master?.close();
      await rm(this.opts.spillDir, { recursive: true, force: true });
    }
  }

  /** Finishes the current task, then stops (SIGTERM). */
  drain(): void {
    if (this.state === 'RUNNING') this.state = 'STOPPING';
    this.waitingForWork?.abort();
  }

  private heartbeatMs = 1000;

  private async register(): Promise<void> {
    const reply = await this.withMasterRetry(() =>
      this.master.register({ host: hostname(), pid: process.pid, version: SDK_VERSION }),
    );
    this.workerId = reply.workerId;
    this.jobId = reply.jobId;
    this.heartbeatMs = reply.heartbeatIntervalMs || JOB_DEFAULTS.heartbeatIntervalMs;
    this.job = {
      workerId: reply.workerId,
      reducers: reply.reducers,
      params: { ...reply.params },
      ...(reply.files.length ? { files: reply.files.map((f) => ({ name: f.name, key: f.key, size: Number(f.size) })) } : {}),
      ...(reply.totalOrder ? { totalOrder: true, cutPoints: [...reply.cutPoints] } : {}),
      // Empty from a master that does not say: tsv, uncompressed.
      outputFormat: reply.outputFormat === 'jsonl' ? 'jsonl' : 'tsv',
      outputCompression: reply.outputCompression === 'gzip' ? 'gzip' : 'none',
      ...(reply.steps > 1 ? { steps: reply.steps } : {}),
      maxSkippedRecords: reply.maxSkippedRecords,
    };
    this.log(`registered for job ${reply.jobId}`);
  }

  /**
   * Asks for a task (or a batch of tiny ones), runs it, and reports it in a call that also asks
   * for the next: one round trip per task or batch. Tasks the master handed out are run even if
   * a drain began meanwhile.
   */
  private async loop(): Promise<void> {
    // The master's answer not yet acted on: a task to run, WAIT or EXIT.
    let reply: GetTaskReply__Output | null = null;
    while (reply || this.state === 'RUNNING') {
      if (!reply) {
        try {
          reply = await this.askForTask();
        } catch (err) {
          if (isCode(err, grpcStatus.NOT_FOUND)) {
            await this.register();
            continue;
          }
          if (this.state !== 'RUNNING' && isCode(err, grpcStatus.CANCELLED)) return;
          throw err;
        }
      }
      const r = reply;
      reply = null;
      if (r.action === 'EXIT') {
        this.toldToExit = true;
        return;
      }
      if (r.action === 'WAIT' || !r.task) {
        if (r.waitMs) await sleep(r.waitMs);
        continue;
      }
      reply = await this.runBatch([r.task, ...r.more]);
    }
  }

  private async askForTask(): Promise<GetTaskReply__Output> {
    const waiting = new AbortController();
    this.waitingForWork = waiting;
    try {
      return await this.withMasterRetry(() => this.tasks.getTask({ workerId: this.workerId, waitMs: TASK_WAIT_MS, maxTasks: this.batch }, waiting.signal));
    } finally {
      this.waitingForWork = undefined;
    }
  }

  /**
   * Runs the tasks in order and reports them together; resolves with the next task (or batch)
   * when the report asked for it.
   */
  private async runBatch(batch: Task__Output[]): Promise<GetTaskReply__Output | null> {
    const specs = batch.map(taskSpec);
    const started = performance.now();
    const outcomes = await this.execute(specs);
    this.batch = !this.noBatches && (performance.now() - started) / specs.length < BATCH_BELOW_MS ? BATCH_TASKS : 1;
    const reports: ReportTaskRequest[] = [];
    specs.forEach((task, i) => {
      const outcome = outcomes[i];
      if (!outcome) return; // cancelled, or lost with the thread: the master gives it up
      this.tasksRun++;
      reports.push(
        outcome.ok
          ? { workerId: this.workerId, taskId: task.taskId, attempt: task.attempt, ok: true, outputs: outcome.outputs, counters: outcome.counters, userCounters: outcome.userCounters, runMs: outcome.runMs ?? 0 }
          : { workerId: this.workerId, taskId: task.taskId, attempt: task.attempt, ok: false, error: outcome.error, runMs: outcome.runMs ?? 0 },
      );
    });
    const last = reports.pop();
    if (!last) return null; // nothing to report: ask again
    // A draining worker only reports; otherwise the reply brings the next task.
    const next = this.state === 'RUNNING';
    const ask = { next, waitMs: next ? TASK_WAIT_MS : 0, maxTasks: next ? this.batch : 0 };
    const reply = await this.withMasterRetry(() => this.tasks.reportTask({ ...last, ...ask }, undefined, reports));
    return reply.next ?? null;
  }

  /**
   * Runs the tasks in the executor thread, a batch in one round trip (TaskSpec.then); resolves
   * with each one's outcome, or null for one cancelled by the master or lost with the thread.
   */
  private async execute(specs: TaskSpec[]): Promise<(TaskOutcome | null)[]> {
    const [first, ...rest] = specs as [TaskSpec, ...TaskSpec[]];
    this.current = { taskId: first.taskId, attempt: first.attempt };
    let outcome: ExecutionOutcome;
    try {
      outcome = await this.executor.run(rest.length ? { ...first, then: rest } : first, this.job!);
    } catch (err) {
      // The executor thread died (out of memory, native crash). Alone, the task reports it as a
      // failure; in a batch nobody knows which task did it: none is reported (the master gives
      // them up), and this worker runs one task at a time from now on, so the next death is
      // pinned on the right task.
      if (rest.length) {
        this.log(`the executor thread died during a batch of ${specs.length} tasks (${(err as Error).message}); no more batches`);
        this.noBatches = true;
        return specs.map(() => null);
      }
      // Out of memory is the task's failure (exit 1 once every attempt did it); a crash is gomr's.
      const userCode = err instanceof ExecutorOutOfMemoryError;
      outcome = { ok: false, error: { message: (err as Error).message, stack: userCode ? '' : ((err as Error).stack ?? ''), input: '', offset: 0, key: '', userCode } };
    } finally {
      this.current = undefined;
    }
    if ('cancelled' in outcome) {
      this.log(`task ${first.taskId}#${first.attempt}${rest.length ? ` and the ${rest.length} after it` : ''} cancelled by the master`);
      return specs.map(() => null);
    }
    const { then, ...own } = outcome as ExecutionOutcome & { then?: TaskOutcome[] };
    return [own as TaskOutcome, ...rest.map((_, i) => then?.[i] ?? null)];
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

/**
 * The executor's view of a task from the master: the one conversion from the wire. The split
 * and the runs are the wire's messages as they come (a MapSplit is a Split; an empty `data`,
 * the loader's default, is an object run).
 */
function taskSpec(t: Task__Output): TaskSpec {
  return {
    taskId: t.taskId,
    kind: t.kind === 'REDUCE' ? 'REDUCE' : 'MAP',
    index: t.index,
    attempt: t.attempt,
    outputPrefix: t.outputPrefix,
    runKeys: t.runKeys,
    skipOffsets: t.skipOffsets,
    skipKeys: t.skipKeys,
    ...(t.skipErrors?.length ? { skipErrors: t.skipErrors } : {}),
    ...(t.split ? { split: t.split } : {}),
    ...(t.inlineRunBytes ? { inlineRunBytes: t.inlineRunBytes } : {}),
    ...(t.step || t.reducers ? { step: t.step, reducers: t.reducers } : {}),
    ...(t.runs.length ? { runs: t.runs.map(({ data, ...run }) => (data.length ? { ...run, data } : run)) } : {}),
  };
}
