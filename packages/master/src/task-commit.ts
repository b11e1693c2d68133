import { gzipSync } from 'node:zlib';
import { DEAD_LETTER_PARTITION, GZIP_SUFFIX, jobKeys, type RunObject, type Storage } from '@gomr/storage';
import type { ReportTaskReply, ReportTaskRequest__Output } from '@gomr/proto';
import type { CommitLog } from './commit-log.js';
import type { JobSpec } from './job-spec.js';
import type { Scheduler } from './scheduler.js';
import type { TaskHandout } from './task-handout.js';
import type { TaskRecord } from './task-table.js';
import type { WorkerRegistry } from './worker-registry.js';

/**
 * The end of an attempt, as the master takes it: a failure is recorded; a success the scheduler
 * lets win is committed (its output copied to its final name when it is the job's output, its
 * commit record made durable, then the task counted), and the output of a success that lost is
 * discarded. A commit never rejects: one that fails sends the task back to run again. After
 * every change the master's afterChange runs (the job may be over; held calls may get work).
 */

/**
 * A report of a finished attempt, as it comes on the task stream. `next` (ask for the next task in the
 * same call), `waitMs` (how long that may wait) and `runMs` are optional for callers in-process.
 */
export type TaskReport = Omit<ReportTaskRequest__Output, 'next' | 'waitMs' | 'maxTasks' | 'outputs' | 'runMs'> & {
  runMs?: number;
  outputs: RunObject[];
  next?: boolean;
  waitMs?: number;
  maxTasks?: number;
};

export interface TaskCommitterDeps {
  spec: JobSpec;
  storage: Storage;
  scheduler: Scheduler;
  workers: WorkerRegistry;
  commitLog: CommitLog;
  handout: TaskHandout;
  now: () => number;
  log: (line: string) => void;
  afterChange: () => Promise<void>;
}

export class TaskCommitter {
  private readonly spec: JobSpec;
  private readonly storage: Storage;
  private readonly scheduler: Scheduler;
  private readonly workers: WorkerRegistry;
  private readonly commitLog: CommitLog;
  private readonly handout: TaskHandout;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly afterChange: () => Promise<void>;

  constructor(deps: TaskCommitterDeps) {
    ({
      spec: this.spec, storage: this.storage, scheduler: this.scheduler, workers: this.workers, commitLog: this.commitLog,
      handout: this.handout, now: this.now, log: this.log, afterChange: this.afterChange,
    } = deps);
  }

  /**
   * One attempt's end: its failure recorded, or its commit decided and started (`committing`
   * settles once the record is written and the task counted; it never rejects). `mayWait`: the
   * record may share a write with others (the worker is not waiting on it).
   */
  async settle(req: TaskReport, mayWait: boolean, endedMs: number): Promise<{ reply: ReportTaskReply; committing?: Promise<void> }> {
    const now = this.now();
    const w = this.workers.touch(req.workerId, now);
    const ran = { endedMs, runMs: req.runMs ?? 0 };
    if (w) {
      const i = w.held.findIndex((h) => h.taskId === req.taskId && h.attempt === req.attempt);
      if (i >= 0) w.held.splice(i, 1);
      if (!w.held.length) w.state = 'idle';
      if (w.running?.taskId === req.taskId && w.running.attempt === req.attempt) w.running = undefined;
    }
    if (!req.ok) {
      const e = req.error ?? { message: 'unknown error', stack: '', input: '', offset: 0, key: '' };
      this.log(`task ${req.taskId} attempt ${req.attempt} failed on ${req.workerId}: ${e.message}`);
      this.scheduler.failed(req.taskId, req.attempt, e, ran);
      await this.afterChange();
      return { reply: { committed: false } };
    }
    const verdict = this.scheduler.succeeded(req.taskId, req.attempt, ran, { counters: req.counters ?? {}, userCounters: req.userCounters ?? {} });
    const outputs: RunObject[] = req.outputs.map((o) => ({
      partition: o.partition, key: o.key, bytes: o.bytes, records: o.records,
      ...(o.data?.length ? { data: Buffer.from(o.data.buffer, o.data.byteOffset, o.data.byteLength) } : {}),
    }));
    if (verdict === 'repeat') return { reply: { committed: true } };
    if (verdict === 'ignore') {
      await this.discard(outputs.filter((o) => !o.data).map((o) => o.key), req.taskId, req.attempt);
      return { reply: { committed: false } };
    }
    return { reply: { committed: true }, committing: this.commit(req, outputs, mayWait) };
  }

  /**
   * Writes the commit record, then counts the task; never rejects (a failure re-runs the task).
   * The record of a map whose worker is not waiting for the reply (it asked for its next task)
   * may share a write with others (see CommitLog), unless nothing but commits is left to wait
   * for in the phase: then it is written at once.
   */
  private async commit(req: TaskReport, outputs: RunObject[], mayWait: boolean): Promise<void> {
    const task = this.scheduler.task(req.taskId)!;
    try {
      const deadLetter = outputs.find((o) => o.partition === DEAD_LETTER_PARTITION);
      const runs = deadLetter ? outputs.filter((o) => o !== deadLetter) : outputs;
      const committed =
        // A reduce of a step before the last keeps its run where it wrote it, as a map does.
        this.scheduler.isIntermediate(task) ? runs
        : task.kind === 'REDUCE' ? await this.commitReduce(task, runs) : this.scheduler.mapOnly ? await this.commitMapOnly(task, runs) : runs;
      if (deadLetter) committed.push(await this.commitDeadLetter(task, deadLetter));
      // An earlier attempt's copy, left by a commit that failed after it, is not this attempt's.
      else if (task.skipOffsets.length || task.skipKeys.length) await this.storage.delete([jobKeys.skipped(this.spec.jobId, task.id)]);
      const batch = mayWait && task.kind === 'MAP';
      const durable = this.commitLog.record({ taskId: req.taskId, attempt: req.attempt, outputs: committed, counters: req.counters, userCounters: req.userCounters }, { batch });
      if (batch && this.scheduler.onlyCommitsLeft()) this.commitLog.flush();
      await durable;
      this.scheduler.commitDone(req.taskId, committed, req.counters, req.userCounters);
      this.handout.inlineHeld += inlineBytes(committed);
    } catch (err) {
      this.log(`commit of ${req.taskId} attempt ${req.attempt} failed: ${(err as Error).message}`);
      this.scheduler.commitFailed(req.taskId, req.attempt, `commit failed: ${(err as Error).message}`);
    }
    await this.afterChange();
  }

  /** Copies a reduce attempt's part file to its final name: the output appears only complete. */
  private async commitReduce(task: TaskRecord, outputs: RunObject[]): Promise<RunObject[]> {
    const part = outputs.find((o) => o.partition === task.index);
    const finalKey = this.partKey(task);
    if (part) {
      await this.storage.copy(part.key, finalKey);
    } else {
      await this.storage.put(finalKey, this.emptyPart());
    }
    return [{ partition: task.index, key: finalKey, bytes: part?.bytes ?? 0, records: part?.records ?? 0 }];
  }

  /** A map-only job: copies the map attempt's part file to the output, as commitReduce does. */
  private async commitMapOnly(task: TaskRecord, outputs: RunObject[]): Promise<RunObject[]> {
    const part = outputs[0];
    const finalKey = this.partKey(task);
    if (part?.key) await this.storage.copy(part.key, finalKey);
    else await this.storage.put(finalKey, this.emptyPart());
    return [{ partition: 0, key: finalKey, bytes: part?.bytes ?? 0, records: part?.records ?? 0 }];
  }

  /**
   * Copies the attempt's dead-letter file to output/_skipped/<task>.jsonl. Only the attempt that
   * commits gets here, so its lines are the only ones (a commit that fails and runs again
   * overwrites the same name). The ref stays with the task's outputs (and its commit record),
   * under DEAD_LETTER_PARTITION, which no reducer reads.
   */
  private async commitDeadLetter(task: TaskRecord, file: RunObject): Promise<RunObject> {
    const key = jobKeys.skipped(this.spec.jobId, task.id);
    await this.storage.copy(file.key, key);
    return { partition: DEAD_LETTER_PARTITION, key, bytes: file.bytes, records: file.records };
  }

  /** The committed dead-letter files, in task order (listed once the job is over; empty before). */
  skippedKeys(): string[] {
    const s = this.scheduler;
    if (!s.finished && s.phase !== 'COMMITTING') return [];
    const keys: string[] = [];
    for (const t of [...s.maps, ...s.reduces]) for (const o of t.outputs) if (o.partition === DEAD_LETTER_PARTITION) keys.push(o.key);
    return keys;
  }

  /** The job's output objects, in part order. */
  outputKeys(): string[] {
    const s = this.scheduler;
    return (s.mapOnly ? s.maps : s.reduces).map((t) => this.partKey(t));
  }

  /** The output object a task writes: part-NNNNN of a reduce, part-m-NNNNN of a map-only map; .gz when compressed. */
  private partKey(task: TaskRecord): string {
    const { jobId } = this.spec;
    const key = task.kind === 'MAP' ? jobKeys.mapPart(jobId, task.index) : jobKeys.part(jobId, task.index);
    return this.spec.outputCompression === 'gzip' ? `${key}${GZIP_SUFFIX}` : key;
  }

  /** A part with no records: empty, or a gzip stream of nothing. */
  private emptyPart(): Buffer {
    return this.spec.outputCompression === 'gzip' ? gzipSync('') : Buffer.alloc(0);
  }

  private async discard(keys: string[], taskId: string, attempt: number): Promise<void> {
    if (!keys.length) return;
    try {
      await this.storage.delete(keys);
    } catch (err) {
      this.log(`could not remove outputs of ${taskId} attempt ${attempt}: ${(err as Error).message}`);
    }
  }
}

/** Bytes of the inline runs among `runs`. */
export function inlineBytes(runs: RunObject[]): number {
  let n = 0;
  for (const r of runs) n += r.data?.length ?? 0;
  return n;
}
