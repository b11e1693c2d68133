/**
 * The job snapshot: everything the status page, `gomr status --json` and the saved summary
 * show about a job, in one JSON shape. Built by a pure function from the master's task table
 * and worker registry (or from a saved summary), so the live page and a finished job's page
 * read the same thing.
 */
import type { JobState__Output, StepState__Output } from '@gomr/proto';
import { isFinalJobState } from '@gomr/storage';
import type { Counters } from './counters.js';
import type { AttemptOutcome, TaskKind, TaskRecord } from './task-table.js';
import type { WorkerRecord, WorkerState } from './worker-registry.js';

/** Bumped when a field changes meaning; readers refuse versions they do not know. */
export const SNAPSHOT_VERSION = 1;

/** Tasks of one phase, by state. Attempts that failed or were lost are counted apart. */
export interface PhaseProgress {
  total: number;
  /** Committed tasks. */
  done: number;
  /** Tasks with at least one attempt running or committing. */
  running: number;
  /** Tasks not started, or waiting to run again. */
  pending: number;
  /** Attempts in which the user's code threw. */
  failedAttempts: number;
  /** Attempts lost with their worker or cancelled. */
  killedAttempts: number;
}

/** One bar of the timeline. */
export interface TimelineAttempt {
  taskId: string;
  kind: TaskKind;
  attempt: number;
  workerId: string;
  startedMs: number;
  /** null while it runs (or if the job ended before it reported). */
  endedMs: number | null;
  outcome: AttemptOutcome;
  /** A backup copy started because the first attempt was slow. */
  speculative: boolean;
  /** MAP: the input file's base name. */
  input: string;
  /** Why it ended badly. */
  error: string;
}

export interface WorkerView {
  id: string;
  host: string;
  pid: number;
  /** As the registry says, or "gone" for workers known only from a saved summary's attempts. */
  state: WorkerState | 'gone';
  /** "m-00003#2" while it runs an attempt, else "". */
  currentTask: string;
  registeredMs: number;
  /** 0 when unknown (a summary without worker records). */
  lastHeartbeatMs: number;
}

/** A failed or lost attempt, with the user's stack where there is one. */
export interface FailureView {
  taskId: string;
  kind: TaskKind;
  attempt: number;
  workerId: string;
  outcome: 'failed' | 'killed';
  atMs: number;
  message: string;
  stack: string;
  /** MAP: the input's base name and the split's byte range. */
  input: string;
  range: [number, number] | null;
}

export interface JobSnapshot {
  version: typeof SNAPSHOT_VERSION;
  jobId: string;
  state: JobState__Output;
  workerFile: string;
  inputs: { name: string; size: number }[];
  startedMs: number;
  /** 0 while the job runs. */
  finishedMs: number;
  /** When this snapshot was taken (the timeline's right edge while the job runs). */
  takenMs: number;
  elapsedMs: number;
  maps: PhaseProgress;
  reduces: PhaseProgress;
  /** No reduce phase (--reducers 0): the output is one part-m-NNNNN per map task. */
  mapOnly: boolean;
  /**
   * A job of steps: each step (maps and reduces above are the current step's). Absent for a
   * job of one step.
   */
  steps?: StepView[];
  throughput: {
    /** Map input read per second of the map phase, over committed map tasks. */
    inputBytesPerSec: number;
    inputRecordsPerSec: number;
  };
  /** Estimated ms to the end; null before any task has finished, 0 once the job is over. */
  etaMs: number | null;
  counters: Counters;
  userCounters: Counters;
  workers: WorkerView[];
  /** Every attempt of every task, by start time. */
  attempts: TimelineAttempt[];
  /** Failed and lost attempts, oldest first. */
  failures: FailureView[];
  /** Why the job failed, when it did. */
  error: JobError | null;
  outputKeys: string[];
  /** --skip-bad-records: the committed dead-letter files (absent in snapshots from before them). */
  skippedKeys?: string[];
}

/**
 * Why a job failed. `task` is empty for a failure outside any task (storage, bad input); the
 * failing attempt and where it failed (map: input and chunk offset; reduce: key) are what
 * `gomr replay` re-runs (absent in summaries written before replay existed).
 */
export interface JobError {
  summary: string;
  message: string;
  stack: string;
  task: string;
  attempt?: number;
  input?: string;
  offset?: number;
  key?: string;
}

/** One step of a job of steps, as GetStatus shows it (see step-status.ts). */
export interface StepView {
  step: number;
  state: StepState__Output;
  maps: { total: number; done: number; running: number; failed: number };
  reduces: { total: number; done: number; running: number; failed: number };
  counters: Counters;
  userCounters: Counters;
  startedMs: number;
  finishedMs: number;
}

/** What the snapshot is computed from; the master's live state or a saved summary. */
export interface SnapshotSource {
  jobId: string;
  state: JobState__Output;
  workerFile: string;
  inputs: { name: string; size: number }[];
  startedMs: number;
  finishedMs: number;
  maps: readonly TaskRecord[];
  reduces: readonly TaskRecord[];
  /** @default false */
  mapOnly?: boolean;
  /** A job of steps: each step, and every task of every step (for the timeline and failures). */
  steps?: StepView[];
  allTasks?: readonly TaskRecord[];
  workers: readonly WorkerRecord[];
  /** Sums over committed attempts (Scheduler.totals()). */
  counters: Counters;
  userCounters: Counters;
  error?: JobError | undefined;
  outputKeys: string[];
  /** @default [] */
  skippedKeys?: string[];
}

/** Builds the snapshot. Pure: the same source and time give the same snapshot. */
export function buildJobSnapshot(src: SnapshotSource, nowMs: number): JobSnapshot {
  const over = isFinalJobState(src.state);
  const endMs = over && src.finishedMs ? src.finishedMs : nowMs;
  const tasks = src.allTasks ?? [...src.maps, ...src.reduces];
  const attempts: TimelineAttempt[] = [];
  const failures: FailureView[] = [];
  for (const t of tasks) {
    const input = t.split?.inputName ?? '';
    for (const a of t.attempts) {
      attempts.push({
        taskId: t.id, kind: t.kind, attempt: a.attempt, workerId: a.workerId, startedMs: a.startedMs,
        endedMs: a.endedMs ?? null, outcome: a.outcome, speculative: a.speculative === true, input, error: a.error ?? '',
      });
      if (a.outcome === 'failed' || a.outcome === 'killed') {
        failures.push({
          taskId: t.id, kind: t.kind, attempt: a.attempt, workerId: a.workerId, outcome: a.outcome,
          atMs: a.endedMs ?? a.startedMs, message: a.error ?? '', stack: a.stack ?? '', input,
          range: t.split ? [t.split.start, t.split.end] : null,
        });
      }
    }
  }
  attempts.sort((x, y) => x.startedMs - y.startedMs || (x.taskId < y.taskId ? -1 : 1) || x.attempt - y.attempt);
  failures.sort((x, y) => x.atMs - y.atMs);

  const mapsEndMs = src.maps.length && src.maps.every((t) => t.state === 'committed') ? lastCommitMs(src.maps) : endMs;
  const mapSecs = Math.max(mapsEndMs - src.startedMs, 1) / 1000;
  const liveWorkers = src.workers.filter((w) => w.state !== 'lost').length;

  return {
    version: SNAPSHOT_VERSION,
    jobId: src.jobId,
    state: src.state,
    workerFile: src.workerFile,
    inputs: src.inputs.map((i) => ({ name: i.name, size: i.size })),
    startedMs: src.startedMs,
    finishedMs: over ? src.finishedMs : 0,
    takenMs: nowMs,
    elapsedMs: Math.max(endMs - src.startedMs, 0),
    maps: phaseProgress(src.maps, over),
    reduces: phaseProgress(src.reduces, over),
    mapOnly: src.mapOnly ?? false,
    ...(src.steps?.length ? { steps: src.steps.map((s) => ({ ...s, maps: { ...s.maps }, reduces: { ...s.reduces } })) } : {}),
    throughput: {
      inputBytesPerSec: (src.counters.mapInputBytes ?? 0) / mapSecs,
      inputRecordsPerSec: (src.counters.mapInputRecords ?? 0) / mapSecs,
    },
    etaMs: over ? 0 : estimateRemainingMs(src.maps, src.reduces, liveWorkers, nowMs),
    counters: { ...src.counters },
    userCounters: { ...src.userCounters },
    workers: workerViews(src.workers, attempts),
    attempts,
    failures,
    error: src.error ? { ...src.error } : null,
    outputKeys: [...src.outputKeys],
    skippedKeys: [...(src.skippedKeys ?? [])],
  };
}

/** Once the job is over nothing runs: a failed job's unfinished tasks count as not done. */
export function phaseProgress(tasks: readonly TaskRecord[], over = false): PhaseProgress {
  let done = 0;
  let running = 0;
  let failedAttempts = 0;
  let killedAttempts = 0;
  for (const t of tasks) {
    if (t.state === 'committed') done++;
    else if (!over && (t.state === 'running' || t.state === 'committing')) running++;
    for (const a of t.attempts) {
      if (a.outcome === 'failed') failedAttempts++;
      else if (a.outcome === 'killed') killedAttempts++;
    }
  }
  return { total: tasks.length, done, running, pending: tasks.length - done - running, failedAttempts, killedAttempts };
}

/**
 * Remaining time from the mean duration of committed attempts: the work left in each phase
 * (a running attempt counts for what is left of the mean) spread over the live workers. Reduce
 * tasks borrow the map mean until one of them has finished. null until any task has committed.
 */
export function estimateRemainingMs(
  maps: readonly TaskRecord[],
  reduces: readonly TaskRecord[],
  workers: number,
  nowMs: number,
): number | null {
  const mapMean = meanCommittedMs(maps);
  if (mapMean === null) return null;
  const reduceMean = meanCommittedMs(reduces) ?? mapMean;
  const slots = Math.max(workers, 1);
  const left = (tasks: readonly TaskRecord[], mean: number): number => {
    let work = 0;
    let longest = 0;
    for (const t of tasks) {
      if (t.state === 'committed') continue;
      const running = t.attempts.filter((a) => a.outcome === 'running').map((a) => a.startedMs);
      const rest = running.length ? Math.max(mean - (nowMs - Math.min(...running)), 0) : mean;
      work += rest;
      longest = Math.max(longest, rest);
    }
    return Math.max(work / slots, longest);
  };
  return Math.round(left(maps, mapMean) + left(reduces, reduceMean));
}

function meanCommittedMs(tasks: readonly TaskRecord[]): number | null {
  let sum = 0;
  let n = 0;
  for (const t of tasks) {
    for (const a of t.attempts) {
      if (a.outcome === 'committed' && a.endedMs !== undefined) {
        sum += a.endedMs - a.startedMs;
        n++;
      }
    }
  }
  return n ? sum / n : null;
}

function lastCommitMs(tasks: readonly TaskRecord[]): number {
  let last = 0;
  for (const t of tasks) for (const a of t.attempts) if (a.outcome === 'committed') last = Math.max(last, a.endedMs ?? 0);
  return last;
}

/** Known workers, plus any that appear only in attempts (a saved summary has no registry). */
function workerViews(workers: readonly WorkerRecord[], attempts: TimelineAttempt[]): WorkerView[] {
  const views: WorkerView[] = workers.map((w) => ({
    id: w.id, host: w.host, pid: w.pid, state: w.state,
    currentTask: w.held.length ? `${w.held[0]!.taskId}#${w.held[0]!.attempt}` : '',
    registeredMs: w.registeredMs, lastHeartbeatMs: w.lastHeartbeatMs,
  }));
  const known = new Set(views.map((w) => w.id));
  for (const a of attempts) {
    if (known.has(a.workerId)) continue;
    known.add(a.workerId);
    views.push({ id: a.workerId, host: '', pid: 0, state: 'gone', currentTask: '', registeredMs: a.startedMs, lastHeartbeatMs: 0 });
  }
  return views.sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
