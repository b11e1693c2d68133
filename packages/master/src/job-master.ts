import type { Storage } from '@gomr/storage';
import type {
  GetTaskReply, HeartbeatReply, JobStatus, RegisterReply, ReportTaskReply, ReportTaskRequest__Output,
} from '@gomr/proto';
import { jobKeys, type JobSpec } from './job-spec.js';
import { planSplits } from './plan-splits.js';
import { Scheduler } from './scheduler.js';
import { WorkerRegistry } from './worker-registry.js';
import type { RunRef, TaskRecord } from './task-table.js';
import type { JobSummary } from './job-summary.js';
import { CommitLog } from './commit-log.js';
import { DEFAULT_SPECULATION } from './straggler-policy.js';
import { snapshotOfMaster } from './master-snapshot.js';

/** Attempt numbers of epoch e start at (e - 1) * ATTEMPTS_PER_EPOCH + 1. */
const ATTEMPTS_PER_EPOCH = 1000;

export class UnknownWorkerError extends Error {
  constructor(readonly workerId: string) {
    super(`unknown worker ${workerId}; register again`);
  }
}

export interface JobMasterOptions {
  now?: () => number;
  log?: (line: string) => void;
  /** How often to look for silent workers. @default 250 */
  livenessCheckMs?: number;
}

/**
 * One job's coordinator: assigns tasks, commits exactly one attempt per task, notices dead
 * workers, and writes the summary. Transport-agnostic: the gRPC service calls these methods.
 */
export class JobMaster {
  readonly scheduler: Scheduler;
  readonly workers = new WorkerRegistry();
  startedMs: number;
  finishedMs = 0;
  /** 1 for a fresh job; n+1 after the master restarted n times. */
  epoch = 1;
  private readonly commitLog: CommitLog;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private livenessTimer?: NodeJS.Timeout;
  private finishing?: Promise<void>;
  private readonly finishedWaiters: (() => void)[] = [];

  constructor(
    readonly spec: JobSpec,
    private readonly storage: Storage,
    options: JobMasterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? (() => {});
    this.startedMs = this.now();
    const splits = planSplits(spec.inputs, spec.maps);
    this.scheduler = new Scheduler(splits, {
      reducers: spec.reducers,
      maxAttempts: spec.maxAttempts,
      maxKilledAttempts: Math.max(10, spec.maxAttempts * 4),
      speculation: { ...DEFAULT_SPECULATION, enabled: spec.speculation },
      taskTimeoutMs: spec.taskTimeoutMs,
      skipBadRecords: spec.skipBadRecords,
    });
    this.commitLog = new CommitLog(storage, spec.jobId);
    this.log(`job ${spec.jobId}: ${splits.length} map tasks over ${spec.inputs.length} inputs, ${spec.reducers} reduce tasks`);
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
    // Maps first: restoring every map is what moves the job to its reduce phase.
    records.sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
    for (const r of records) this.scheduler.restoreCommitted(r.taskId, r.attempt, r.outputs, r.counters, r.userCounters);
    this.log(`restarted (epoch ${epoch}): ${records.length} committed tasks restored from the checkpoint`);
    await this.afterChange();
  }

  /** Resolves once the job has succeeded or failed and its summary is written. */
  whenFinished(): Promise<void> {
    if (this.scheduler.finished && !this.finishing) return Promise.resolve();
    return new Promise((resolve) => this.finishedWaiters.push(resolve));
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
    };
  }

  getTask(workerId: string): GetTaskReply {
    const w = this.workers.touch(workerId, this.now());
    if (!w) throw new UnknownWorkerError(workerId);
    if (w.current) {
      // The worker asks again while we think it runs something: that attempt is gone.
      this.scheduler.killed(w.current.taskId, w.current.attempt, 'worker asked for new work', this.now());
      w.current = undefined;
    }
    if (this.scheduler.finished) return { action: 'EXIT' };
    const a = this.scheduler.assign(workerId, this.now());
    if (!a) {
      w.state = 'idle';
      return { action: 'WAIT', waitMs: 50 };
    }
    w.state = 'busy';
    w.current = { taskId: a.task.id, attempt: a.attempt };
    const t = a.task;
    const started = t.attempts[t.attempts.length - 1]!;
    if (started.speculative) this.log(`task ${t.id}: speculative attempt ${a.attempt} on ${workerId} (straggler)`);
    else if (t.attempts.length > 1) this.log(`task ${t.id}: attempt ${a.attempt} on ${workerId} (re-run)`);
    const outputPrefix =
      t.kind === 'MAP'
        ? jobKeys.mapAttempt(this.spec.jobId, t.id, a.attempt)
        : jobKeys.reduceAttempt(this.spec.jobId, t.id, a.attempt);
    return {
      action: 'RUN',
      task: {
        taskId: t.id,
        kind: t.kind,
        index: t.index,
        attempt: a.attempt,
        outputPrefix,
        runKeys: a.runKeys,
        skipOffsets: t.skipOffsets,
        skipKeys: t.skipKeys,
        ...(t.split
          ? {
              split: {
                inputKey: t.split.inputKey,
                inputName: t.split.inputName,
                start: t.split.start,
                end: t.split.end,
                fileSize: t.split.fileSize,
              },
            }
          : {}),
      },
    };
  }

  async reportTask(req: ReportTaskRequest__Output): Promise<ReportTaskReply> {
    const now = this.now();
    const w = this.workers.touch(req.workerId, now);
    if (w && w.current?.taskId === req.taskId && w.current.attempt === req.attempt) {
      w.current = undefined;
      w.state = 'idle';
    }
    if (!req.ok) {
      const e = req.error ?? { message: 'unknown error', stack: '', input: '', offset: 0, key: '' };
      this.log(`task ${req.taskId} attempt ${req.attempt} failed on ${req.workerId}: ${e.message}`);
      this.scheduler.failed(req.taskId, req.attempt, e, now);
      await this.afterChange();
      return { committed: false };
    }
    const verdict = this.scheduler.succeeded(req.taskId, req.attempt, now);
    const outputs: RunRef[] = req.outputs.map((o) => ({ partition: o.partition, key: o.key, bytes: o.bytes, records: o.records }));
    if (verdict === 'ignore') {
      await this.discard(outputs.map((o) => o.key), req.taskId, req.attempt);
      return { committed: false };
    }
    const task = this.scheduler.task(req.taskId)!;
    try {
      const committed = task.kind === 'REDUCE' ? await this.commitReduce(task, outputs) : outputs;
      await this.commitLog.record({ taskId: req.taskId, attempt: req.attempt, outputs: committed, counters: req.counters, userCounters: req.userCounters });
      this.scheduler.commitDone(req.taskId, committed, req.counters, req.userCounters);
    } catch (err) {
      this.log(`commit of ${req.taskId} attempt ${req.attempt} failed: ${(err as Error).message}`);
      this.scheduler.commitFailed(req.taskId, req.attempt, `commit failed: ${(err as Error).message}`);
    }
    await this.afterChange();
    return { committed: true };
  }

  heartbeat(workerId: string, taskId: string, attempt: number, progress = 0): HeartbeatReply {
    const w = this.workers.touch(workerId, this.now());
    if (w && taskId) this.scheduler.progress(taskId, attempt, progress, this.now());
    if (!w) return { known: false, cancelCurrent: true };
    let cancel = false;
    if (taskId) {
      const t = this.scheduler.task(taskId);
      const a = t?.attempts.find((x) => x.attempt === attempt);
      // A duplicate whose task is already committed, or an attempt we gave up on, can stop.
      cancel = !a || a.outcome !== 'running';
    }
    return { known: true, cancelCurrent: cancel };
  }

  status(): JobStatus {
    const s = this.scheduler;
    const phase = (tasks: TaskRecord[]) => ({
      total: tasks.length,
      done: tasks.filter((t) => t.state === 'committed').length,
      running: tasks.filter((t) => t.state === 'running' || t.state === 'committing').length,
      failed: tasks.reduce((n, t) => n + t.failures, 0),
    });
    const totals = s.totals();
    // The job is over only once its summary is written; until then it is "FINISHING".
    const state = this.finishedMs ? s.phase : s.phase === 'COMMITTING' || s.phase === 'FAILED' ? 'FINISHING' : s.phase;
    return {
      jobId: this.spec.jobId,
      state,
      maps: phase(s.maps),
      reduces: phase(s.reduces),
      counters: totals.counters,
      userCounters: totals.userCounters,
      error: s.failure?.summary ?? '',
      errorKind: s.failure?.kind ?? '',
      outputKeys: s.phase === 'SUCCEEDED' ? s.reduces.map((t) => jobKeys.part(this.spec.jobId, t.index)) : [],
      workers: this.workers.all().map((w) => ({
        workerId: w.id,
        host: w.host,
        pid: w.pid,
        state: w.state,
        currentTask: w.current ? `${w.current.taskId}#${w.current.attempt}` : '',
        lastHeartbeatMs: w.lastHeartbeatMs,
      })),
      startedMs: this.startedMs,
      finishedMs: this.finishedMs,
    };
  }

  stop(): void {
    if (this.livenessTimer) clearInterval(this.livenessTimer);
  }

  private checkLiveness(): void {
    const now = this.now();
    for (const w of this.workers.expire(now, this.spec.heartbeatTimeoutMs)) {
      this.log(`worker ${w.id} missed heartbeats for ${this.spec.heartbeatTimeoutMs} ms; its task runs elsewhere`);
      if (w.current) this.scheduler.killed(w.current.taskId, w.current.attempt, `worker ${w.id} lost`, now);
      w.current = undefined;
    }
    for (const s of this.scheduler.expireStalled(now)) {
      this.log(`task ${s.taskId} attempt ${s.attempt} on ${s.workerId} made no progress for ${this.spec.taskTimeoutMs} ms; it runs elsewhere`);
    }
    void this.afterChange();
  }

  /** Copies a reduce attempt's part file to its final name: the output appears only complete. */
  private async commitReduce(task: TaskRecord, outputs: RunRef[]): Promise<RunRef[]> {
    const part = outputs.find((o) => o.partition === task.index);
    const finalKey = jobKeys.part(this.spec.jobId, task.index);
    if (part) {
      await this.storage.copy(part.key, finalKey);
    } else {
      await this.storage.put(finalKey, '');
    }
    return [{ partition: task.index, key: finalKey, bytes: part?.bytes ?? 0, records: part?.records ?? 0 }];
  }

  private async discard(keys: string[], taskId: string, attempt: number): Promise<void> {
    if (!keys.length) return;
    try {
      await this.storage.delete(keys);
    } catch (err) {
      this.log(`could not remove outputs of ${taskId} attempt ${attempt}: ${(err as Error).message}`);
    }
  }

  private async afterChange(): Promise<void> {
    const s = this.scheduler;
    if (this.finishing) return this.finishing;
    if (s.phase === 'COMMITTING' || s.phase === 'FAILED') {
      this.finishing = this.finish().finally(() => {
        this.finishing = undefined;
        for (const resolve of this.finishedWaiters.splice(0)) resolve();
      });
      return this.finishing;
    }
  }

  private async finish(): Promise<void> {
    const s = this.scheduler;
    const { jobId } = this.spec;
    if (!this.spec.keepIntermediate) {
      for (const prefix of jobKeys.intermediate(jobId)) {
        await this.storage.deletePrefix(prefix).catch((err: Error) => this.log(`cleanup of ${prefix} failed: ${err.message}`));
      }
    }
    const succeeded = s.phase === 'COMMITTING';
    const finishedMs = this.now();
    this.stop();
    const totals = s.totals();
    const summary: JobSummary = {
      jobId,
      state: succeeded ? 'SUCCEEDED' : 'FAILED',
      workerFile: this.spec.workerFile,
      inputs: this.spec.inputs.map((i) => ({ name: i.name, size: i.size })),
      maps: s.maps.length,
      reducers: s.reduces.length,
      startedMs: this.startedMs,
      finishedMs,
      counters: totals.counters,
      userCounters: totals.userCounters,
      outputKeys: succeeded ? s.reduces.map((t) => jobKeys.part(jobId, t.index)) : [],
      tasks: [...s.maps, ...s.reduces].map((t) => ({ id: t.id, attempts: t.attempts })),
    };
    if (s.skipped.length) summary.skipped = s.skipped;
    if (s.failure) {
      summary.error = { summary: s.failure.summary, message: s.failure.error.message, stack: s.failure.error.stack, task: s.failure.task };
    }
    summary.snapshot = snapshotOfMaster(this, finishedMs, summary); // the status page's data, kept
    await this.storage
      .put(jobKeys.summary(jobId), JSON.stringify(summary, null, 2))
      .catch((err: Error) => this.log(`could not write summary: ${err.message}`));
    if (succeeded) s.markSucceeded();
    this.finishedMs = finishedMs;
    this.log(`job ${jobId} ${summary.state} in ${finishedMs - this.startedMs} ms`);
  }
}
