import { taskId, type RunObject, type TaskKind } from '@gomr/storage';
import type { Split } from './plan-splits.js';
import type { Counters } from './counters.js';

export type { TaskKind };

export type TaskState = 'idle' | 'running' | 'committing' | 'committed';
/** killed: lost with its worker or cancelled; failed: the user's code threw. */
export type AttemptOutcome = 'running' | 'committed' | 'superseded' | 'failed' | 'killed';

export interface AttemptRecord {
  attempt: number;
  workerId: string;
  startedMs: number;
  endedMs?: number;
  outcome: AttemptOutcome;
  /** A backup copy of a straggler (speculative execution). */
  speculative?: boolean;
  /** Last progress the worker reported (bytes or records) and when it last changed. */
  progress?: number;
  lastProgressMs?: number;
  /** Why it ended badly, for the summary and the status page. */
  error?: string;
  /** The user's stack, for failed attempts. */
  stack?: string;
  /**
   * Where a failed attempt failed: the input's name and the chunk's byte offset (map), or the
   * key (reduce). What `gomr replay --chunk` narrows the replay to.
   */
  input?: string;
  offset?: number;
  key?: string;
  /** It failed for making no progress for taskTimeoutMs (its worker may still be running it). */
  timedOut?: boolean;
  /** A successful attempt's counters as it reported them, committed or not (a task's story). */
  counters?: Counters;
  userCounters?: Counters;
}

/**
 * Most characters of a failed attempt's stack kept in the task table (and so in the snapshot
 * and the summary): a stack that deep is cut, with a note, rather than grow the master's memory.
 */
export const MAX_STACK_CHARS = 8192;

/** A stack cut to MAX_STACK_CHARS. */
export function boundedStack(stack: string): string {
  return stack.length <= MAX_STACK_CHARS ? stack : `${stack.slice(0, MAX_STACK_CHARS)}\n    … (${stack.length - MAX_STACK_CHARS} more characters cut)`;
}

export interface TaskRecord {
  id: string;
  kind: TaskKind;
  index: number;
  /** The step of a job of steps (0 for a job of one step). */
  step: number;
  /** A map task past step 0: the previous step's committed output runs it reads (one reduce's). */
  inputs?: RunObject[];
  state: TaskState;
  split?: Split;
  attempts: AttemptRecord[];
  failures: number;
  kills: number;
  /** Attempt numbers start above this (a restarted master never reuses an old number). */
  attemptBase: number;
  /** --skip-bad-records: map chunk offsets / reduce keys that failed every attempt. */
  skipOffsets: number[];
  skipKeys: string[];
  /** Why each of them failed (same order), for the dead-letter file. */
  skipErrors: string[];
  /** The committed attempt's outputs and counters; empty until committed. */
  outputs: RunObject[];
  counters: Counters;
  userCounters: Counters;
}

export function newTask(kind: TaskKind, index: number, split?: Split, step = 0): TaskRecord {
  const t: TaskRecord = {
    id: taskId(kind, index, step), kind, index, step, state: 'idle', attempts: [], failures: 0, kills: 0, attemptBase: 0,
    skipOffsets: [], skipKeys: [], skipErrors: [],
    outputs: [], counters: {}, userCounters: {},
  };
  if (split) t.split = split;
  return t;
}

export function runningAttempts(task: TaskRecord): AttemptRecord[] {
  return task.attempts.filter((a) => a.outcome === 'running');
}
