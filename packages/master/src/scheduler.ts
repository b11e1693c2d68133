import type { JobState__Output } from '@gomr/proto';
import { isFinalJobState, JOB_DEFAULTS, parseTaskId, type FailureKind, type RunObject, type TaskError } from '@gomr/storage';
import { addCounters, type Counters } from './counters.js';
import { boundedStack, newTask, runningAttempts, type AttemptRecord, type TaskKind, type TaskRecord } from './task-table.js';
import type { Split } from './plan-splits.js';
import { DEFAULT_SPECULATION, stragglerThresholdMs, type SpeculationOptions } from './straggler-policy.js';

/** The scheduler's phases: the job states of the proto, less FINISHING (the lifecycle's, see jobState). */
export type JobPhase = Exclude<JobState__Output, 'JOB_STATE_UNSPECIFIED' | 'FINISHING'>;

export interface Assignment {
  task: TaskRecord;
  attempt: number;
  /** REDUCE only: the keys of the committed runs of this partition stored as objects, in map order. */
  runKeys: string[];
  /** REDUCE only: all the committed runs of this partition (objects and inline), in map order. */
  runs: RunObject[];
}

export interface SchedulerOptions {
  /** 0: a map-only job, see Scheduler.mapOnly. */
  reducers: number;
  maxAttempts: number;
  /** Cap on attempts lost with their worker, so a task that always kills its worker ends. */
  maxKilledAttempts: number;
  /** Backup copies of stragglers near the end of a phase. @default DEFAULT_SPECULATION */
  speculation?: SpeculationOptions;
  /** An attempt whose progress has not moved for this long is killed and re-run. @default 600000 */
  taskTimeoutMs?: number;
  /** Skip a map chunk or reduce key that fails every attempt, instead of failing the job. @default false */
  skipBadRecords?: boolean;
  /**
   * A job of steps: each step's reduce count (see JobSpec.steps). @default [reducers], one step
   */
  steps?: number[];
}

/** One step's tasks, and the sums of its committed tasks' counters. */
export interface StepTasks {
  maps: TaskRecord[];
  reduces: TaskRecord[];
  counters: Counters;
  userCounters: Counters;
}

/** A chunk or key given up on under --skip-bad-records. */
export interface SkippedRecord {
  task: string;
  input: string;
  offset: number;
  key: string;
  message: string;
}

/**
 * The master's bookkeeping, with no I/O: which task runs where, which attempt is committed,
 * when a phase ends. Time comes in as arguments so tests can drive it.
 */
export class Scheduler {
  phase: JobPhase = 'MAPPING';
  /**
   * The steps planned so far, the current one last: a step is planned when the one before it
   * has committed every reduce (its map tasks read those reduces' outputs). A job of one step
   * has one.
   */
  readonly steps: StepTasks[] = [];
  /** Reduce counts of every step (planned or not). */
  readonly stepReducers: number[];
  /** The current step's tasks. */
  get maps(): TaskRecord[] {
    return this.steps[this.steps.length - 1]!.maps;
  }
  get reduces(): TaskRecord[] {
    return this.steps[this.steps.length - 1]!.reduces;
  }
  /** The current step (0-based). */
  get step(): number {
    return this.steps.length - 1;
  }
  /**
   * No reduce phase (in the current step, which is then the last): the job is done when every
   * map task has committed (MAPPING goes straight to COMMITTING), and each map task's output is
   * a part of the job's output.
   */
  get mapOnly(): boolean {
    return this.stepReducers[this.step] === 0;
  }
  /** Attempt numbers of tasks planned from now on start above this (see setAttemptBase). */
  private attemptBase = 0;
  failure?: { task: string; attempt: number; error: TaskError; summary: string; kind: FailureKind };
  readonly skipped: SkippedRecord[] = [];
  private readonly speculation: SpeculationOptions;
  private readonly taskTimeoutMs: number;
  /**
   * Per kind, an index below which no task is idle: assign() looks from there instead of over
   * every task (thousands of tiny tasks), and a task that becomes idle again moves it back.
   */
  private readonly idleFrom: Record<TaskKind, number> = { MAP: 0, REDUCE: 0 };
  /** Committed tasks per kind, and the sums of their counters, kept as tasks commit. */
  private readonly committedCount: Record<TaskKind, number> = { MAP: 0, REDUCE: 0 };
  private readonly sums: { counters: Counters; userCounters: Counters } = { counters: {}, userCounters: {} };

  constructor(splits: Split[], private readonly options: SchedulerOptions) {
    this.stepReducers = options.steps?.length ? [...options.steps] : [options.reducers];
    this.steps.push({
      maps: splits.map((s, i) => newTask('MAP', i, s)),
      reduces: Array.from({ length: this.stepReducers[0]! }, (_, i) => newTask('REDUCE', i)),
      counters: {},
      userCounters: {},
    });
    this.speculation = options.speculation ?? DEFAULT_SPECULATION;
    this.taskTimeoutMs = options.taskTimeoutMs ?? JOB_DEFAULTS.taskTimeoutMs;
  }

  get finished(): boolean {
    return isFinalJobState(this.phase);
  }

  task(id: string): TaskRecord | undefined {
    const p = parseTaskId(id);
    const step = p && this.steps[p.step];
    if (!step) return undefined;
    return (p.kind === 'MAP' ? step.maps : step.reduces)[p.index];
  }

  /** Every task planned so far, step by step, maps before reduces. */
  allTasks(): TaskRecord[] {
    return this.steps.flatMap((s) => [...s.maps, ...s.reduces]);
  }

  /** A reduce of a step before the last: its output is a run the next step reads, not a part file. */
  isIntermediate(task: TaskRecord): boolean {
    return task.kind === 'REDUCE' && task.step < this.stepReducers.length - 1;
  }

  /** Picks the next task for a worker, or null when there is nothing to do right now. */
  assign(workerId: string, nowMs: number): Assignment | null {
    if (this.phase !== 'MAPPING' && this.phase !== 'REDUCING') return null;
    const tasks = this.phase === 'MAPPING' ? this.maps : this.reduces;
    const pick = this.nextIdle(workerId);
    if (pick) return this.start(pick, workerId, nowMs, false);
    const straggler = this.straggler(tasks, workerId, nowMs);
    return straggler ? this.start(straggler, workerId, nowMs, true) : null;
  }

  /** Like assign, but only an idle task of the phase (no backup copy), and only if `accept` takes it. */
  assignIdle(workerId: string, nowMs: number, accept: (task: TaskRecord) => boolean): Assignment | null {
    if (this.phase !== 'MAPPING' && this.phase !== 'REDUCING') return null;
    const pick = this.nextIdle(workerId);
    return pick && accept(pick) ? this.start(pick, workerId, nowMs, false) : null;
  }

  /** At most this many tasks of the current phase are idle (an upper bound, in O(1)). */
  idleLeft(): number {
    if (this.phase !== 'MAPPING' && this.phase !== 'REDUCING') return 0;
    const kind: TaskKind = this.phase === 'MAPPING' ? 'MAP' : 'REDUCE';
    return (kind === 'MAP' ? this.maps : this.reduces).length - this.idleFrom[kind];
  }

  /** The idle task to hand out next, preferring one this worker has not failed (a bad machine does not burn retries). */
  private nextIdle(workerId: string): TaskRecord | undefined {
    const kind: TaskKind = this.phase === 'MAPPING' ? 'MAP' : 'REDUCE';
    const tasks = kind === 'MAP' ? this.maps : this.reduces;
    let i = this.idleFrom[kind];
    while (i < tasks.length && tasks[i]!.state !== 'idle') i++;
    this.idleFrom[kind] = i;
    let first: TaskRecord | undefined;
    for (; i < tasks.length; i++) {
      const t = tasks[i]!;
      if (t.state !== 'idle') continue;
      first ??= t;
      if (!t.attempts.some((a) => a.workerId === workerId && a.outcome === 'failed')) return t;
    }
    return first;
  }

  private start(task: TaskRecord, workerId: string, nowMs: number, speculative: boolean): Assignment {
    const attempt = task.attemptBase + task.attempts.length + 1;
    task.attempts.push({ attempt, workerId, startedMs: nowMs, outcome: 'running', progress: 0, lastProgressMs: nowMs, ...(speculative ? { speculative } : {}) });
    task.state = 'running';
    // A map past step 0 reads its inputs as a reduce reads its runs.
    const runs = task.kind === 'REDUCE' ? this.runsFor(task.index) : (task.inputs ?? []);
    return { task, attempt, runKeys: runs.filter((r) => !r.data).map((r) => r.key), runs };
  }

  /**
   * The running task most worth a backup copy on this worker: one attempt running, none
   * speculative yet, not on this worker, and a straggler by the policy in straggler-policy.ts.
   */
  private straggler(tasks: TaskRecord[], workerId: string, nowMs: number): TaskRecord | undefined {
    if (!this.speculation.enabled) return undefined;
    let threshold: number | undefined;
    let best: { task: TaskRecord; elapsed: number } | undefined;
    for (const t of tasks) {
      if (t.state !== 'running') continue;
      let running: AttemptRecord | undefined;
      let count = 0;
      for (const a of t.attempts) {
        if (a.outcome !== 'running') continue;
        count++;
        running = a;
      }
      if (count !== 1 || running!.workerId === workerId || running!.speculative) continue;
      // Worked out only when some attempt could be a straggler, once per commit.
      threshold ??= this.stragglerThreshold(tasks);
      const elapsed = nowMs - running!.startedMs;
      if (elapsed > threshold && (!best || elapsed > best.elapsed)) best = { task: t, elapsed };
    }
    return best?.task;
  }

  private thresholdCache?: { tasks: TaskRecord[]; committed: number; ms: number };

  /** stragglerThresholdMs over the committed attempts of the phase, recomputed only after a commit. */
  private stragglerThreshold(tasks: TaskRecord[]): number {
    const committed = this.committedCount[tasks === this.maps ? 'MAP' : 'REDUCE'];
    const c = this.thresholdCache;
    if (c && c.tasks === tasks && c.committed === committed) return c.ms;
    const done: number[] = [];
    for (const t of tasks) for (const a of t.attempts) if (a.outcome === 'committed' && a.endedMs !== undefined) done.push(a.endedMs - a.startedMs);
    const ms = stragglerThresholdMs(done, this.speculation);
    this.thresholdCache = { tasks, committed, ms };
    return ms;
  }

  /** Records an attempt's progress (from a heartbeat); true when it moved. */
  progress(taskId: string, attempt: number, progress: number, nowMs: number): boolean {
    const a = this.task(taskId)?.attempts.find((x) => x.attempt === attempt);
    if (!a || a.outcome !== 'running') return false;
    if (progress === a.progress) return false;
    a.progress = progress;
    a.lastProgressMs = nowMs;
    return true;
  }

  /** Counts a running attempt as progressing now (it waits on one that moved: see JobMaster.heartbeat). */
  moving(taskId: string, attempt: number, nowMs: number): void {
    const a = this.task(taskId)?.attempts.find((x) => x.attempt === attempt);
    if (a && a.outcome === 'running') a.lastProgressMs = nowMs;
  }

  /**
   * Ends attempts whose progress has not moved for taskTimeoutMs (hung user code). The attempt
   * its worker was running (`culprit`, by default every one) fails, and counts toward
   * maxAttempts like a throw; one only queued behind it in a batch is killed.
   */
  expireStalled(
    nowMs: number,
    culprit: (s: { taskId: string; attempt: number; workerId: string }) => boolean = () => true,
  ): { taskId: string; attempt: number; workerId: string }[] {
    const stalled: { taskId: string; attempt: number; workerId: string }[] = [];
    for (const t of [...this.maps, ...this.reduces]) {
      // Idle and committed tasks have no running attempt (commitDone supersedes the others).
      if (t.state === 'idle' || t.state === 'committed') continue;
      for (const a of runningAttempts(t)) {
        if (nowMs - (a.lastProgressMs ?? a.startedMs) > this.taskTimeoutMs) stalled.push({ taskId: t.id, attempt: a.attempt, workerId: a.workerId });
      }
    }
    for (const s of stalled) {
      if (culprit(s)) this.timedOut(s.taskId, s.attempt, nowMs);
      else this.killed(s.taskId, s.attempt, `no progress for ${Math.round(this.taskTimeoutMs / 1000)} s (queued behind a hung task)`, nowMs, false);
    }
    return stalled;
  }

  private timedOut(taskId: string, attempt: number, nowMs: number): void {
    const task = this.task(taskId)!;
    const where = task.split ? ` (input ${task.split.inputName}, split at byte ${task.split.start})` : task.kind === 'REDUCE' ? ` (partition ${task.index})` : '';
    const message = `task ${task.id} timed out after ${this.taskTimeoutMs} ms${where}`;
    this.failed(taskId, attempt, { message, stack: '', input: '', offset: 0, key: '', userCode: true, timedOut: true }, nowMs);
  }

  /**
   * Whether every task of the current phase is committed or committing: the phase then waits
   * for nothing but commit records. Scans from the end, where idle tasks are while a phase runs.
   */
  onlyCommitsLeft(): boolean {
    if (this.phase !== 'MAPPING' && this.phase !== 'REDUCING') return false;
    const tasks = this.phase === 'MAPPING' ? this.maps : this.reduces;
    for (let i = tasks.length - 1; i >= 0; i--) {
      const state = tasks[i]!.state;
      if (state === 'idle' || state === 'running') return false;
    }
    return true;
  }

  /** The committed runs of one partition, objects and inline ones, in map-task order. */
  runsFor(partition: number): RunObject[] {
    const runs: RunObject[] = [];
    for (const m of this.maps) for (const o of m.outputs) if (o.partition === partition) runs.push(o);
    return runs;
  }

  /**
   * An attempt succeeded. Returns 'commit' if the caller must commit it (and then call
   * commitDone or commitFailed), 'ignore' when another attempt already won (its outputs can go),
   * or 'repeat' when this very attempt already won: a report sent again (a retried call whose
   * reply was lost), whose outputs are the committed ones and must stay.
   */
  succeeded(
    taskId: string,
    attempt: number,
    ran: AttemptEnd | number,
    reported?: { counters: Counters; userCounters: Counters },
  ): 'commit' | 'ignore' | 'repeat' {
    const task = this.task(taskId);
    const a = task?.attempts.find((x) => x.attempt === attempt);
    if (a && a.outcome === 'committed') return 'repeat';
    // Kept on the attempt, won or lost: a task's story shows what each attempt counted.
    if (a && reported) {
      a.counters = addCounters({}, reported.counters);
      if (Object.keys(reported.userCounters).length) a.userCounters = addCounters({}, reported.userCounters);
    }
    if (!task || !a || a.outcome !== 'running' || this.finished) {
      if (a && a.outcome === 'running') a.outcome = 'superseded';
      return 'ignore';
    }
    placeAttempt(a, ran);
    if (task.state === 'committing' || task.state === 'committed') {
      a.outcome = 'superseded';
      return 'ignore';
    }
    task.state = 'committing';
    a.outcome = 'committed';
    return 'commit';
  }

  /** Records the committed attempt's outputs and counters, and advances the phase. */
  commitDone(taskId: string, outputs: RunObject[], counters: Counters, userCounters: Counters): void {
    const task = this.task(taskId)!;
    if (task.state !== 'committed') {
      this.committedCount[task.kind]++;
      addCounters(this.sums.counters, counters);
      addCounters(this.sums.userCounters, userCounters);
      const step = this.steps[task.step]!;
      addCounters(step.counters, counters);
      addCounters(step.userCounters, userCounters);
    }
    task.state = 'committed';
    task.outputs = outputs;
    task.counters = addCounters({}, counters);
    task.userCounters = addCounters({}, userCounters);
    // Other attempts of the same task are now duplicates.
    for (const a of runningAttempts(task)) a.outcome = 'superseded';
    if (this.phase === 'MAPPING' && this.committedCount.MAP === this.maps.length) this.phase = this.mapOnly ? 'COMMITTING' : 'REDUCING';
    else if (this.phase === 'REDUCING' && this.committedCount.REDUCE === this.reduces.length) {
      if (this.step < this.stepReducers.length - 1) this.nextStep();
      else this.phase = 'COMMITTING';
    }
  }

  /**
   * Plans the next step once the current one committed every reduce: one map task per reduce
   * of this step, reading that reduce's output run. Its tasks start idle, the phase MAPPING.
   */
  private nextStep(): void {
    const step = this.steps.length;
    const maps = this.reduces.map((r, i) => {
      const t = newTask('MAP', i, undefined, step);
      t.inputs = r.outputs.filter((o) => o.key || o.data);
      t.attemptBase = this.attemptBase;
      return t;
    });
    const reduces = Array.from({ length: this.stepReducers[step]! }, (_, i) => {
      const t = newTask('REDUCE', i, undefined, step);
      t.attemptBase = this.attemptBase;
      return t;
    });
    this.steps.push({ maps, reduces, counters: {}, userCounters: {} });
    this.committedCount.MAP = 0;
    this.committedCount.REDUCE = 0;
    this.idleFrom.MAP = 0;
    this.idleFrom.REDUCE = 0;
    this.phase = 'MAPPING';
    // A step of no map tasks (the step before had no reduces) is done at once.
    if (!maps.length) this.phase = this.mapOnly ? 'COMMITTING' : 'REDUCING';
  }

  /** Committing the output failed (storage): the attempt is lost, the task runs again. */
  commitFailed(taskId: string, attempt: number, reason: string): void {
    const task = this.task(taskId)!;
    const a = task.attempts.find((x) => x.attempt === attempt)!;
    a.outcome = 'killed';
    a.error = reason;
    task.kills++;
    this.runningOrIdle(task);
    this.checkKillCap(task);
  }

  /** After an attempt ended: running while another attempt runs, else idle (to be assigned again). */
  private runningOrIdle(task: TaskRecord): void {
    task.state = runningAttempts(task).length ? 'running' : 'idle';
    if (task.state === 'idle') this.idleFrom[task.kind] = Math.min(this.idleFrom[task.kind], task.index);
  }

  /** The user's code threw. Retries until maxAttempts, then fails the job. */
  failed(taskId: string, attempt: number, error: TaskError, ran: AttemptEnd | number): void {
    const task = this.task(taskId);
    const a = task?.attempts.find((x) => x.attempt === attempt);
    if (!task || !a || a.outcome !== 'running') return;
    a.outcome = 'failed';
    placeAttempt(a, ran);
    a.error = error.message;
    if (error.stack) a.stack = boundedStack(error.stack); // for the status page's failures list
    // Where it failed, for gomr replay --chunk and the task's story.
    if (error.input) {
      a.input = error.input;
      a.offset = error.offset;
    }
    if (error.key) a.key = error.key;
    if (error.timedOut) a.timedOut = true;
    if (task.state === 'committed' || task.state === 'committing') return;
    if (error.storageUnreachable) {
      // The worker already retried for its whole budget; more attempts would only wait again.
      this.abort(`storage failure in task ${task.id}: ${error.message}`, 'storage');
      return;
    }
    if (error.inputChanged) {
      // Every attempt would read the same changed file: the job's answer would be wrong.
      this.abort(`task ${task.id}: ${error.message}`, 'input');
      return;
    }
    task.failures++;
    if (task.failures >= this.options.maxAttempts && !this.skip(task, error)) {
      this.fail(task, attempt, error);
      return;
    }
    this.runningOrIdle(task);
  }

  /**
   * An attempt was lost with its worker, or cancelled. Does not count toward maxAttempts; it
   * counts toward maxKilledAttempts unless `culprit` is false: an attempt that was only waiting
   * behind another in a worker's batch did not kill that worker.
   */
  killed(taskId: string, attempt: number, reason: string, nowMs: number, culprit = true): void {
    const task = this.task(taskId);
    const a = task?.attempts.find((x) => x.attempt === attempt);
    if (!task || !a || a.outcome !== 'running') return;
    a.outcome = 'killed';
    a.endedMs = nowMs;
    a.error = reason;
    if (task.state !== 'running') return;
    if (culprit) task.kills++;
    this.runningOrIdle(task);
    this.checkKillCap(task);
  }

  markSucceeded(): void {
    this.phase = 'SUCCEEDED';
  }

  /** Fails the job for a reason outside any task (storage outage, bad input). */
  abort(summary: string, kind: FailureKind = 'runtime'): void {
    if (this.finished) return;
    this.phase = 'FAILED';
    this.failure = { task: '', attempt: 0, summary, kind, error: { message: summary, stack: '', input: '', offset: 0, key: '', userCode: false } };
  }

  /**
   * --skip-bad-records: gives up on the chunk (map) or key (reduce) that failed every attempt,
   * and lets the task run again without it. Returns false when there is nothing to skip.
   */
  private skip(task: TaskRecord, error: TaskError): boolean {
    if (!this.options.skipBadRecords || !error.userCode || error.timedOut) return false;
    if (task.kind === 'MAP') {
      // Only a failure that names its chunk can be skipped (a combiner's error names a key, not a chunk).
      if (!error.input || task.skipOffsets.includes(error.offset)) return false;
      task.skipOffsets.push(error.offset);
    } else {
      if (task.skipKeys.includes(error.key)) return false;
      task.skipKeys.push(error.key);
    }
    task.skipErrors.push(error.message);
    this.skipped.push({ task: task.id, input: error.input, offset: error.offset, key: error.key, message: error.message });
    task.failures = 0;
    return true;
  }

  /** Restores a task committed before a master restart (from the commit log). */
  restoreCommitted(taskId: string, attempt: number, outputs: RunObject[], counters: Counters, userCounters: Counters): void {
    const task = this.task(taskId);
    if (!task || task.state === 'committed') return;
    task.attempts.push({ attempt, workerId: '(before restart)', startedMs: 0, endedMs: 0, outcome: 'committed' });
    task.state = 'committing';
    this.commitDone(taskId, outputs, counters, userCounters);
  }

  /** A restarted master numbers attempts above every number an earlier master could have used. */
  setAttemptBase(base: number): void {
    this.attemptBase = base;
    for (const t of this.allTasks()) t.attemptBase = base;
  }

  private checkKillCap(task: TaskRecord): void {
    if (task.kills >= this.options.maxKilledAttempts && task.state !== 'committed') {
      this.abort(`task ${task.id} was lost with its worker ${task.kills} times; giving up`);
    }
  }

  private fail(task: TaskRecord, attempt: number, error: TaskError): void {
    const where =
      task.kind === 'MAP' && error.input
        ? // Past step 0 a map reads records of the step before: the offset is a record's position.
          task.step ? ` (input ${error.input}, record ${error.offset})` : ` (input ${error.input}, chunk at byte ${error.offset})`
        : task.kind === 'REDUCE' && error.key
          ? ` (key ${JSON.stringify(error.key.length > 80 ? error.key.slice(0, 80) + '…' : error.key)})`
          : '';
    // Older workers do not say whether user code threw; treat an unknown as the user's.
    const user = error.userCode !== false;
    const what = user ? `${task.kind === 'MAP' ? 'mapper' : 'reducer'} failed in task ${task.id}` : `task ${task.id} failed`;
    const summary = error.timedOut
      ? `${error.message} on ${task.failures} attempts, with no progress (a mapper or reducer that never returns? if it is only slow, raise --task-timeout)`
      : `${what} after ${task.failures} attempts${where}: ${error.message}`;
    this.phase = 'FAILED';
    this.failure = { task: task.id, attempt, error, summary, kind: user ? 'user' : 'runtime' };
  }

  /**
   * Sums the counters of committed attempts only, so retries never inflate them. Kept as tasks
   * commit (a commit is final), so a status poll does not add up thousands of tasks.
   */
  totals(): { counters: Counters; userCounters: Counters } {
    return { counters: { ...this.sums.counters }, userCounters: { ...this.sums.userCounters } };
  }
}

/** When a reported attempt ended (a number: that time), and how long it ran by the worker's clock (0: not said). */
export interface AttemptEnd {
  endedMs: number;
  runMs: number;
}

/**
 * Sets an attempt's end, and its start to its end less its run time when the worker said it:
 * an attempt handed out in a batch starts when the one before it ends, not at the hand-out.
 * Never earlier than the hand-out (clocks and rounding).
 */
function placeAttempt(a: { startedMs: number; endedMs?: number }, end: AttemptEnd | number): void {
  const ran = typeof end === 'number' ? { endedMs: end, runMs: 0 } : end;
  a.endedMs = ran.endedMs;
  if (ran.runMs > 0) a.startedMs = Math.min(ran.endedMs, Math.max(a.startedMs, ran.endedMs - ran.runMs));
}
