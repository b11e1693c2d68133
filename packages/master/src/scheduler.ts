import { addCounters, type Counters } from './counters.js';
import { newTask, runningAttempts, type RunRef, type TaskKind, type TaskRecord } from './task-table.js';
import type { Split } from './plan-splits.js';

export type JobPhase = 'MAPPING' | 'REDUCING' | 'COMMITTING' | 'SUCCEEDED' | 'FAILED';

export interface Assignment {
  task: TaskRecord;
  attempt: number;
  /** REDUCE only: the committed runs of this partition, in map order. */
  runKeys: string[];
}

export interface TaskFailure {
  message: string;
  stack: string;
  input: string;
  offset: number;
  key: string;
}

export interface SchedulerOptions {
  reducers: number;
  maxAttempts: number;
  /** Cap on attempts lost with their worker, so a task that always kills its worker ends. */
  maxKilledAttempts: number;
}

/**
 * The master's bookkeeping, with no I/O: which task runs where, which attempt is committed,
 * when a phase ends. Time comes in as arguments so tests can drive it.
 */
export class Scheduler {
  phase: JobPhase = 'MAPPING';
  readonly maps: TaskRecord[];
  readonly reduces: TaskRecord[];
  failure?: { task: string; attempt: number; error: TaskFailure; summary: string };

  constructor(splits: Split[], private readonly options: SchedulerOptions) {
    this.maps = splits.map((s, i) => newTask('MAP', i, s));
    this.reduces = Array.from({ length: options.reducers }, (_, i) => newTask('REDUCE', i));
  }

  get finished(): boolean {
    return this.phase === 'SUCCEEDED' || this.phase === 'FAILED';
  }

  task(id: string): TaskRecord | undefined {
    const kind: TaskKind = id.startsWith('m-') ? 'MAP' : 'REDUCE';
    const index = Number(id.slice(2));
    return (kind === 'MAP' ? this.maps : this.reduces)[index];
  }

  /** Picks the next task for a worker, or null when there is nothing to do right now. */
  assign(workerId: string, nowMs: number): Assignment | null {
    if (this.phase !== 'MAPPING' && this.phase !== 'REDUCING') return null;
    const tasks = this.phase === 'MAPPING' ? this.maps : this.reduces;
    // Prefer a task this worker has not failed before, so a bad machine does not burn retries.
    const idle = tasks.filter((t) => t.state === 'idle');
    const pick = idle.find((t) => !t.attempts.some((a) => a.workerId === workerId && a.outcome === 'failed')) ?? idle[0];
    if (!pick) return null;
    const attempt = pick.attempts.length + 1;
    pick.attempts.push({ attempt, workerId, startedMs: nowMs, outcome: 'running' });
    pick.state = 'running';
    return { task: pick, attempt, runKeys: pick.kind === 'REDUCE' ? this.runKeysFor(pick.index) : [] };
  }

  /** The committed runs of one partition, in map-task order (keeps reduce input deterministic). */
  runKeysFor(partition: number): string[] {
    const keys: string[] = [];
    for (const m of this.maps) for (const o of m.outputs) if (o.partition === partition) keys.push(o.key);
    return keys;
  }

  /**
   * An attempt succeeded. Returns 'commit' if the caller must commit it (and then call
   * commitDone or commitFailed), or 'ignore' when another attempt already won.
   */
  succeeded(taskId: string, attempt: number, nowMs: number): 'commit' | 'ignore' {
    const task = this.task(taskId);
    const a = task?.attempts.find((x) => x.attempt === attempt);
    if (!task || !a || a.outcome !== 'running' || this.finished) {
      if (a && a.outcome === 'running') a.outcome = 'superseded';
      return 'ignore';
    }
    a.endedMs = nowMs;
    if (task.state === 'committing' || task.state === 'committed') {
      a.outcome = 'superseded';
      return 'ignore';
    }
    task.state = 'committing';
    a.outcome = 'committed';
    return 'commit';
  }

  /** Records the committed attempt's outputs and counters, and advances the phase. */
  commitDone(taskId: string, outputs: RunRef[], counters: Counters, userCounters: Counters): void {
    const task = this.task(taskId)!;
    task.state = 'committed';
    task.outputs = outputs;
    task.counters = addCounters({}, counters);
    task.userCounters = addCounters({}, userCounters);
    // Other attempts of the same task are now duplicates.
    for (const a of runningAttempts(task)) a.outcome = 'superseded';
    if (this.phase === 'MAPPING' && this.maps.every((t) => t.state === 'committed')) this.phase = 'REDUCING';
    if (this.phase === 'REDUCING' && this.reduces.every((t) => t.state === 'committed')) this.phase = 'COMMITTING';
  }

  /** Committing the output failed (storage): the attempt is lost, the task runs again. */
  commitFailed(taskId: string, attempt: number, reason: string): void {
    const task = this.task(taskId)!;
    const a = task.attempts.find((x) => x.attempt === attempt)!;
    a.outcome = 'killed';
    a.error = reason;
    task.kills++;
    task.state = runningAttempts(task).length ? 'running' : 'idle';
    this.checkKillCap(task);
  }

  /** The user's code threw. Retries until maxAttempts, then fails the job. */
  failed(taskId: string, attempt: number, error: TaskFailure, nowMs: number): void {
    const task = this.task(taskId);
    const a = task?.attempts.find((x) => x.attempt === attempt);
    if (!task || !a || a.outcome !== 'running') return;
    a.outcome = 'failed';
    a.endedMs = nowMs;
    a.error = error.message;
    if (task.state === 'committed' || task.state === 'committing') return;
    task.failures++;
    if (task.failures >= this.options.maxAttempts) {
      this.fail(task, attempt, error);
      return;
    }
    task.state = runningAttempts(task).length ? 'running' : 'idle';
  }

  /** An attempt was lost with its worker, or cancelled. Does not count toward maxAttempts. */
  killed(taskId: string, attempt: number, reason: string, nowMs: number): void {
    const task = this.task(taskId);
    const a = task?.attempts.find((x) => x.attempt === attempt);
    if (!task || !a || a.outcome !== 'running') return;
    a.outcome = 'killed';
    a.endedMs = nowMs;
    a.error = reason;
    if (task.state !== 'running') return;
    task.kills++;
    task.state = runningAttempts(task).length ? 'running' : 'idle';
    this.checkKillCap(task);
  }

  markSucceeded(): void {
    this.phase = 'SUCCEEDED';
  }

  /** Fails the job for a reason outside any task (storage outage, bad input). */
  abort(summary: string): void {
    if (this.finished) return;
    this.phase = 'FAILED';
    this.failure = { task: '', attempt: 0, summary, error: { message: summary, stack: '', input: '', offset: 0, key: '' } };
  }

  private checkKillCap(task: TaskRecord): void {
    if (task.kills >= this.options.maxKilledAttempts && task.state !== 'committed') {
      this.abort(`task ${task.id} was lost with its worker ${task.kills} times; giving up`);
    }
  }

  private fail(task: TaskRecord, attempt: number, error: TaskFailure): void {
    const where =
      task.kind === 'MAP' && error.input
        ? ` (input ${error.input}, chunk at byte ${error.offset})`
        : task.kind === 'REDUCE' && error.key
          ? ` (key ${JSON.stringify(error.key.length > 80 ? error.key.slice(0, 80) + '…' : error.key)})`
          : '';
    const summary = `${task.kind === 'MAP' ? 'mapper' : 'reducer'} failed in task ${task.id} after ${task.failures} attempts${where}: ${error.message}`;
    this.phase = 'FAILED';
    this.failure = { task: task.id, attempt, error, summary };
  }

  /** Sums the counters of committed attempts only, so retries never inflate them. */
  totals(): { counters: Counters; userCounters: Counters } {
    const counters: Counters = {};
    const userCounters: Counters = {};
    for (const t of [...this.maps, ...this.reduces]) {
      if (t.state !== 'committed') continue;
      addCounters(counters, t.counters);
      addCounters(userCounters, t.userCounters);
    }
    return { counters, userCounters };
  }
}
