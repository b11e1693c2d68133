import { compareTaskIds, type Storage } from '@gomr/storage';
import type { GetTaskReply, HeartbeatReply, RegisterReply, ReportTaskReply } from '@gomr/proto';
import type { JobSpec } from './job-spec.js';
import { planSplits, splitInputs } from './plan-splits.js';
import { stepReducers } from './job-spec.js';
import { Scheduler } from './scheduler.js';
import { WorkerRegistry } from './worker-registry.js';
import { phaseStatus, stepStatuses } from './step-status.js';
import { CommitLog } from './commit-log.js';
import { DEFAULT_SPECULATION } from './straggler-policy.js';
import { buildSummary, cleanupIntermediate, writeSummary } from './job-finish.js';
import { INLINE_BUDGET_BYTES, INLINE_RUN_BYTES, TaskHandout } from './task-handout.js';
import { UnknownWorkerError } from './errors.js';
import { MasterLifecycle, type MasterState } from './master-lifecycle.js';
import { inlineBytes, TaskCommitter, type TaskReport } from './task-commit.js';
import type { MasterStatus } from './master-snapshot.js';

export { BATCH_SPLIT_BYTES, INLINE_BUDGET_BYTES, INLINE_RUN_BYTES, MAX_TASK_WAIT_MS } from './task-handout.js';
export type { TaskReport } from './task-commit.js';

/** Attempt numbers of epoch e start at (e - 1) * ATTEMPTS_PER_EPOCH + 1. */
const ATTEMPTS_PER_EPOCH = 1000;

export interface JobMasterOptions {
  now?: () => number;
  log?: (line: string) => void;
  /** How often to look for silent workers. @default 250 */
  livenessCheckMs?: number;
  /** How long a map's commit record may wait to share a write with others (see CommitLog). @default 20 */
  commitBatchMs?: number;
  /** Inline runs per map task. @default INLINE_RUN_BYTES */
  inlineRunBytes?: number;
  /** Inline runs held in all. @default INLINE_BUDGET_BYTES */
  inlineBudgetBytes?: number;
}

/**
 * One job's coordinator: assigns tasks, commits exactly one attempt per task, notices dead
 * workers, and writes the summary. Transport-agnostic: the gRPC service calls these methods.
 */
export class JobMaster {
  readonly scheduler: Scheduler;
  readonly workers = new WorkerRegistry();
  startedMs: number;
  /** 1 for a fresh job; n+1 after the master restarted n times. */
  epoch = 1;
  private readonly commitLog: CommitLog;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private livenessTimer?: NodeJS.Timeout;
  private readonly lifecycle = new MasterLifecycle();
  /** The summary being written (state 'finishing', or 'stopped' while it still runs). */
  private finishRun?: Promise<void>;
  private readonly finishedWaiters: (() => void)[] = [];
  private readonly stopListeners = new Set<() => void>();
  private readonly handout: TaskHandout;
  private readonly committer: TaskCommitter;

  /** When the summary was written; 0 until then. */
  get finishedMs(): number {
    return this.lifecycle.finishedMs;
  }

  /** Where the master is in its life (see MasterLifecycle). */
  get state(): MasterState {
    return this.lifecycle.state;
  }

  constructor(
    readonly spec: JobSpec,
    private readonly storage: Storage,
    options: JobMasterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.startedMs = this.now();
    const splits = planSplits(splitInputs(spec.inputs), spec.maps);
    this.scheduler = new Scheduler(splits, {
      reducers: spec.reducers,
      maxAttempts: spec.maxAttempts,
      maxKilledAttempts: Math.max(10, spec.maxAttempts * 4),
      speculation: { ...DEFAULT_SPECULATION, enabled: spec.speculation },
      taskTimeoutMs: spec.taskTimeoutMs,
      skipBadRecords: spec.skipBadRecords,
      steps: stepReducers(spec),
    });
    this.handout = new TaskHandout({
      spec,
      scheduler: this.scheduler,
      workers: this.workers,
      now: this.now,
      log: this.log,
      stopped: () => this.lifecycle.stopped,
      inlineRunBytes: options.inlineRunBytes ?? INLINE_RUN_BYTES,
      inlineBudgetBytes: options.inlineBudgetBytes ?? INLINE_BUDGET_BYTES,
    });
    this.commitLog = new CommitLog(storage, spec.jobId, options.commitBatchMs === undefined ? {} : { batchMs: options.commitBatchMs });
    this.committer = new TaskCommitter({
      spec,
      storage,
      scheduler: this.scheduler,
      workers: this.workers,
      commitLog: this.commitLog,
      handout: this.handout,
      now: this.now,
      log: this.log,
      afterChange: () => this.afterChange(),
    });
    this.log(`job ${spec.jobId}: ${splits.length} map tasks over ${spec.inputs.length} inputs, ${this.scheduler.stepReducers[0] ? `${this.scheduler.stepReducers[0]} reduce tasks` : 'map-only (no reduce phase)'}`);
    if (spec.steps.length > 1) this.log(`job ${spec.jobId}: ${spec.steps.length} steps, reduce tasks ${spec.steps.map((s) => s.reducers).join(', ')}`);
    const every = options.livenessCheckMs ?? 250;
    this.livenessTimer = setInterval(() => this.checkLiveness(), every);
    this.livenessTimer.unref();
  }

  /**
   * A master that resumes from the job's checkpoint in storage: tasks committed by an earlier
   * master of the same job are restored, not run again, and attempt numbers continue above any
   * an earlier master could have handed out (so attempt-private outputs never collide).
   */
  static async open(spec: JobSpec, storage: Storage, options: JobMasterOptions = {}): Promise<JobMaster> {
    const master = new JobMaster(spec, storage, options);
    await master.resume();
    return master;
  }

  private async resume(): Promise<void> {
    const { epoch, firstStartedMs } = await this.commitLog.nextEpoch(this.now());
    this.epoch = epoch;
    this.workers.setEpoch(epoch);
    this.startedMs = firstStartedMs;
    if (epoch === 1) return;
    this.scheduler.setAttemptBase((epoch - 1) * ATTEMPTS_PER_EPOCH);
    const records = await this.commitLog.readAll();
    // Step by step, maps first: restoring every map is what moves a step to its reduce phase,
    // and every reduce of a step is what plans the next step's tasks.
    records.sort((a, b) => compareTaskIds(a.taskId, b.taskId));
    for (const r of records) {
      if (this.scheduler.task(r.taskId)?.state === 'committed') continue;
      this.scheduler.restoreCommitted(r.taskId, r.attempt, r.outputs, r.counters, r.userCounters);
      this.handout.inlineHeld += inlineBytes(r.outputs);
    }
    this.log(`restarted (epoch ${epoch}): ${records.length} committed tasks restored from the checkpoint`);
    await this.afterChange();
  }

  /** Resolves once the job has succeeded or failed and its summary is written. */
  whenFinished(): Promise<void> {
    if (this.scheduler.finished && !this.finishRun) return Promise.resolve();
    return new Promise((resolve) => this.finishedWaiters.push(resolve));
  }

  /**
   * Resolves once the job has ended (as whenFinished), waitMs have passed, the master stops
   * or `signal` aborts, whichever comes first: the status long poll. Leaves nothing behind.
   */
  waitForEnd(waitMs: number, signal?: AbortSignal): Promise<void> {
    if ((this.scheduler.finished && !this.finishRun) || this.lifecycle.stopped || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        const i = this.finishedWaiters.indexOf(done);
        if (i !== -1) this.finishedWaiters.splice(i, 1);
        unsubscribe();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      this.finishedWaiters.push(done);
      const unsubscribe = this.onStop(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  register(host: string, pid: number): Required<RegisterReply> {
    const w = this.workers.register(host, pid, this.now());
    this.log(`worker ${w.id} registered (${host} pid ${pid})`);
    return {
      workerId: w.id,
      jobId: this.spec.jobId,
      reducers: this.spec.reducers,
      // At least four heartbeats fit in the timeout, so one late beat is never a lost worker.
      heartbeatIntervalMs: Math.max(10, Math.min(this.spec.heartbeatIntervalMs, Math.floor(this.spec.heartbeatTimeoutMs / 4))),
      params: this.spec.params,
      files: this.spec.files,
      totalOrder: this.spec.totalOrder,
      cutPoints: this.spec.cutPoints,
      outputFormat: this.spec.outputFormat,
      outputCompression: this.spec.outputCompression === 'gzip' ? 'gzip' : '',
      steps: this.spec.steps.length,
      maxSkippedRecords: this.spec.maxSkippedRecords,
    };
  }

  /**
   * The worker's next task (with maxTasks > 1, maybe a batch: see BATCH_SPLIT_BYTES), or WAIT
   * (ask again after waitMs) or EXIT; answers at once. Attempts handed to the worker earlier and
   * not reported are given up: it would not ask while it still had them.
   */
  getTask(workerId: string, maxTasks = 1): GetTaskReply {
    const w = this.workers.touch(workerId, this.now());
    if (!w) throw new UnknownWorkerError(workerId);
    this.handout.dropStale(workerId);
    return this.handout.assignTo(w, maxTasks);
  }

  /**
   * getTask, except that when no task is free it holds the call for up to waitMs (capped at
   * MAX_TASK_WAIT_MS) and answers as soon as one frees up: a commit that ends the map phase, a
   * failed or lost attempt to run again, a straggler worth a backup, or the end of the job
   * (EXIT). Only when the time is up does it answer WAIT, with waitMs 0: ask again at once.
   * A worker that stays idle is woken within a liveness check (250 ms) of any change, instead
   * of polling every 50 ms. `signal` aborts the wait (the caller went away).
   */
  nextTask(workerId: string, waitMs = 0, signal?: AbortSignal, maxTasks = 1): Promise<GetTaskReply> {
    const first = this.getTask(workerId, maxTasks);
    if (first.action !== 'WAIT' || waitMs <= 0 || this.lifecycle.stopped || signal?.aborted) return Promise.resolve(first);
    return this.handout.hold(workerId, waitMs, signal, maxTasks);
  }

  /**
   * The end of an attempt. A successful one that wins is committed: its commit record is
   * written (durable) before the task counts as done. Without `next`, the reply waits for that.
   * With `next`, the reply carries the worker's next task (as nextTask, waiting up to waitMs)
   * and does not wait for the record: the worker starts its next task while the record is
   * written, and the task still counts only once the record is durable (a master that dies
   * before then runs it again). A repeated report of the committed attempt (a retried call
   * whose reply was lost) changes nothing.
   */
  async reportTask(req: TaskReport, signal?: AbortSignal): Promise<ReportTaskReply> {
    return this.reportBatch([], req, signal);
  }

  /**
   * The reports of a batch of tasks (see getTask's maxTasks), in order: `earlier` are taken as
   * a report with `next` would be (their commit records may share a write, and are not waited
   * for), then `last` as reportTask takes it.
   */
  async reportBatch(earlier: TaskReport[], last: TaskReport, signal?: AbortSignal): Promise<ReportTaskReply> {
    // The batch ran in order and ended now: each task ended when the ones after it started.
    const now = this.now();
    let after = last.runMs ?? 0;
    const ends = earlier.map(() => 0);
    for (let i = earlier.length - 1; i >= 0; i--) {
      ends[i] = now - after;
      after += earlier[i]!.runMs ?? 0;
    }
    for (let i = 0; i < earlier.length; i++) await this.committer.settle(earlier[i]!, true, ends[i]);
    const { reply, committing } = await this.committer.settle(last, !!last.next, now);
    if (!last.next) {
      await committing;
      return reply;
    }
    return this.withNext(last, reply, signal);
  }

  /** Adds the worker's next task to a report's reply when it asked for one (and is known). */
  private async withNext(req: TaskReport, reply: ReportTaskReply, signal?: AbortSignal): Promise<ReportTaskReply> {
    // An unknown worker (this master restarted) gets no next task: it asks for a task, is
    // told NOT_FOUND, and registers again.
    if (!req.next || !this.workers.get(req.workerId)) return reply;
    return { ...reply, next: await this.nextTask(req.workerId, req.waitMs ?? 0, signal, req.maxTasks ?? 1) };
  }

  heartbeat(workerId: string, taskId: string, attempt: number, progress = 0): HeartbeatReply {
    const now = this.now();
    const w = this.workers.touch(workerId, now);
    if (w && taskId && this.scheduler.progress(taskId, attempt, progress, now) && w.held.length > 1) {
      // A worker names the first task of a batch; the batch runs in order in one go, so its
      // other tasks are moving too (and a stuck one stops them all, progress included).
      if (w.held.some((h) => h.taskId === taskId && h.attempt === attempt)) for (const h of w.held) this.scheduler.moving(h.taskId, h.attempt, now);
    }
    if (!w) return { known: false, cancelCurrent: true };
    w.running = taskId ? { taskId, attempt } : undefined;
    let cancel = false;
    if (taskId) {
      const t = this.scheduler.task(taskId);
      const a = t?.attempts.find((x) => x.attempt === attempt);
      // A duplicate whose task is already committed, or an attempt we gave up on, can stop.
      cancel = !a || a.outcome !== 'running';
    }
    return { known: true, cancelCurrent: cancel };
  }

  status(): MasterStatus {
    const s = this.scheduler;
    const phase = phaseStatus;
    const totals = s.totals();
    return {
      jobId: this.spec.jobId,
      state: this.lifecycle.jobState(s.phase),
      maps: phase(s.maps),
      reduces: phase(s.reduces),
      counters: totals.counters,
      userCounters: totals.userCounters,
      error: s.failure?.summary ?? '',
      errorKind: s.failure?.kind ?? 'FAILURE_KIND_UNSPECIFIED',
      mapOnly: s.mapOnly,
      outputKeys: s.phase === 'SUCCEEDED' ? this.committer.outputKeys() : [],
      skippedKeys: this.committer.skippedKeys(),
      workers: this.workers.all().map((w) => ({
        workerId: w.id,
        host: w.host,
        pid: w.pid,
        state: w.state,
        currentTask: w.held.length ? `${w.held[0]!.taskId}#${w.held[0]!.attempt}` : '',
        lastHeartbeatMs: w.lastHeartbeatMs,
      })),
      startedMs: this.startedMs,
      finishedMs: this.lifecycle.finishedMs,
      steps: s.stepReducers.length > 1 ? stepStatuses(s) : [],
      step: s.step,
    };
  }

  /** Stops the liveness checks and answers every held get request (WAIT): the master is going away. */
  stop(): void {
    this.stopLiveness();
    this.lifecycle.stop();
    this.handout.wakeTaskWaiters();
    for (const fn of [...this.stopListeners]) fn();
  }

  /** Calls fn when stop() is called (at once if it was); returns a function that unsubscribes. */
  onStop(fn: () => void): () => void {
    if (this.lifecycle.stopped) {
      queueMicrotask(fn);
      return () => {};
    }
    this.stopListeners.add(fn);
    return () => this.stopListeners.delete(fn);
  }

  private stopLiveness(): void {
    if (this.livenessTimer) clearInterval(this.livenessTimer);
  }

  private checkLiveness(): void {
    const now = this.now();
    for (const w of this.workers.expire(now, this.spec.heartbeatTimeoutMs)) {
      this.log(`worker ${w.id} missed heartbeats for ${this.spec.heartbeatTimeoutMs} ms; its task runs elsewhere`);
      if (w.held.length > 1) this.log(`worker ${w.id} held a batch of ${w.held.length} tasks; no more batches in this job`);
      this.handout.batching = false;
      this.handout.giveUpHeld(w, `worker ${w.id} lost`, now);
    }
    // The attempt a worker runs (per its heartbeat, else the first it holds) is the hung one;
    // the others of its batch only waited behind it.
    const culprit = (s: { taskId: string; attempt: number; workerId: string }) => {
      const w = this.workers.get(s.workerId);
      if (!w || w.held.length <= 1) return true;
      const running = w.held.find((h) => h.taskId === w.running?.taskId && h.attempt === w.running.attempt) ?? w.held[0]!;
      return running.taskId === s.taskId && running.attempt === s.attempt;
    };
    for (const s of this.scheduler.expireStalled(now, culprit)) {
      this.log(`task ${s.taskId} attempt ${s.attempt} on ${s.workerId} made no progress for ${this.spec.taskTimeoutMs} ms; it fails (or, queued behind the hung one, runs again)`);
    }
    void this.afterChange();
  }

  private async afterChange(): Promise<void> {
    const s = this.scheduler;
    if (this.lifecycle.state === 'running' && (s.phase === 'COMMITTING' || s.phase === 'FAILED')) {
      this.lifecycle.finishing();
      this.finishRun = this.finish().finally(() => {
        this.finishRun = undefined;
        for (const resolve of this.finishedWaiters.splice(0)) resolve();
        this.handout.wakeTaskWaiters(); // the job is over: EXIT
      });
    }
    this.handout.wakeSoon();
    return this.finishRun;
  }

  private async finish(): Promise<void> {
    const s = this.scheduler;
    await cleanupIntermediate(this.storage, this.spec, this.log, s.phase === 'FAILED' ? s.failure?.task : '');
    const succeeded = s.phase === 'COMMITTING';
    const finishedMs = this.now();
    this.stopLiveness();
    const summary = buildSummary(this, this.committer.outputKeys(), finishedMs, this.committer.skippedKeys());
    await writeSummary(this.storage, summary, this.log);
    if (succeeded) s.markSucceeded();
    this.lifecycle.finished(finishedMs);
    this.log(`job ${this.spec.jobId} ${summary.state} in ${finishedMs - this.startedMs} ms`);
  }
}