/**
 * A task's own story: every attempt of one task, with its worker, when it started and ended,
 * how it ended, what it counted and why it failed. Built by a pure function from the task
 * table's record (live, at /api/tasks/<id>) or from a saved summary's task list, so
 * `gomr status JOB --task T` and the status page read the same thing for running and past jobs.
 */
import { parseTaskId } from '@gomr/storage';
import type { Counters } from './counters.js';
import type { AttemptRecord, TaskKind } from './task-table.js';

/**
 * How an attempt ended, as a person asks it: `lost` went with its worker (or its commit
 * failed), `timed out` made no progress for --task-timeout, `speculative loser` finished after
 * another attempt of the task had won (a backup copy, or the copy it backed up), `killed` was
 * cancelled for another reason (it waited behind a hung task in a batch).
 */
export type StoryOutcome = 'running' | 'committed' | 'failed' | 'timed out' | 'lost' | 'speculative loser' | 'superseded' | 'killed';

export interface StoryAttempt {
  attempt: number;
  workerId: string;
  startedMs: number;
  /** null while it runs (or when the job ended before it reported). */
  endedMs: number | null;
  outcome: StoryOutcome;
  speculative: boolean;
  /** What it reported, when it succeeded (committed or not). */
  counters: Counters;
  userCounters: Counters;
  /** Why it ended badly; the user's stack for a failure. */
  error: string;
  stack: string;
  /** Where it failed: map, the input and the chunk's byte offset; reduce, the key. */
  input: string;
  offset: number | null;
  key: string;
}

export interface TaskStory {
  taskId: string;
  kind: TaskKind;
  /** committed, or not (yet): running, waiting, or given up when the job failed. */
  committed: boolean;
  /** MAP: the input's name and the split's byte range. */
  input: string;
  range: [number, number] | null;
  /** The newest STORY_ATTEMPTS attempts, oldest first. */
  attempts: StoryAttempt[];
  /** Attempts older than those, left out (a task re-run past every cap, --skip-bad-records). */
  earlierAttempts: number;
}

/** Most attempts a story lists. */
export const STORY_ATTEMPTS = 50;

/** What a story is built from: the task table's record, or a saved summary's entry. */
export interface StorySource {
  id: string;
  attempts: readonly AttemptRecord[];
  input?: string;
  range?: [number, number] | null;
}

export function buildTaskStory(task: StorySource): TaskStory {
  const kind: TaskKind = parseTaskId(task.id)?.kind ?? 'REDUCE';
  const raced = task.attempts.some((a) => a.speculative);
  const shown = task.attempts.slice(-STORY_ATTEMPTS);
  return {
    taskId: task.id,
    kind,
    committed: task.attempts.some((a) => a.outcome === 'committed'),
    input: task.input ?? '',
    range: task.range ?? null,
    attempts: shown.map((a) => ({
      attempt: a.attempt,
      workerId: a.workerId,
      startedMs: a.startedMs,
      endedMs: a.endedMs ?? null,
      outcome: storyOutcome(a, raced),
      speculative: a.speculative === true,
      counters: { ...(a.counters ?? {}) },
      userCounters: { ...(a.userCounters ?? {}) },
      error: a.error ?? '',
      stack: a.stack ?? '',
      input: a.input ?? '',
      offset: a.offset ?? null,
      key: a.key ?? '',
    })),
    earlierAttempts: task.attempts.length - shown.length,
  };
}

function storyOutcome(a: AttemptRecord, raced: boolean): StoryOutcome {
  switch (a.outcome) {
    case 'failed':
      return a.timedOut ? 'timed out' : 'failed';
    case 'killed':
      // The master's reasons: "worker W lost", "worker asked for new work" (it dropped the
      // attempt: its executor thread died in a batch), "commit failed: ...", and "no progress
      // ... (queued behind a hung task)", the one that is only killed.
      return /^worker .* lost$|^worker asked for new work|^commit failed/.test(a.error ?? '') ? 'lost' : 'killed';
    case 'superseded':
      return raced ? 'speculative loser' : 'superseded';
    default:
      return a.outcome;
  }
}
