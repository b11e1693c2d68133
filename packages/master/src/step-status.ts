import type { PhaseStatus } from '@gomr/proto';
import type { StepView } from './job-snapshot.js';
import type { Scheduler } from './scheduler.js';
import type { TaskRecord } from './task-table.js';

/** Tasks done, running and failed (attempts that threw) among `tasks`: one phase of the status. */
export function phaseStatus(tasks: TaskRecord[]): Required<PhaseStatus> {
  let done = 0;
  let running = 0;
  let failed = 0;
  for (const t of tasks) {
    if (t.state === 'committed') done++;
    else if (t.state === 'running' || t.state === 'committing') running++;
    failed += t.failures;
  }
  return { total: tasks.length, done, running, failed };
}

/**
 * Each step of a job of steps, as the status shows it: the steps planned so far with their
 * tasks, counters and times, then those not planned yet (PENDING, no tasks).
 */
export function stepStatuses(s: Scheduler): StepView[] {
  return s.stepReducers.map((reducers, i) => {
    const step = s.steps[i];
    if (!step) {
      return { step: i, state: 'PENDING', maps: { total: 0, done: 0, running: 0, failed: 0 }, reduces: { total: reducers, done: 0, running: 0, failed: 0 }, counters: {}, userCounters: {}, startedMs: 0, finishedMs: 0 };
    }
    const tasks = [...step.maps, ...step.reduces];
    let startedMs = 0;
    let finishedMs = 0;
    for (const t of tasks) {
      for (const a of t.attempts) {
        // Restored tasks (before a restart) carry no times.
        if (a.startedMs && (!startedMs || a.startedMs < startedMs)) startedMs = a.startedMs;
        if (a.outcome === 'committed' && a.endedMs && a.endedMs > finishedMs) finishedMs = a.endedMs;
      }
    }
    const current = i === s.step;
    const done = !current || s.phase === 'COMMITTING' || s.phase === 'SUCCEEDED';
    const state = done ? 'DONE' : s.phase === 'FAILED' ? 'FAILED' : s.phase === 'REDUCING' ? 'REDUCING' : 'MAPPING';
    return {
      step: i, state, maps: phaseStatus(step.maps), reduces: phaseStatus(step.reduces),
      counters: { ...step.counters }, userCounters: { ...step.userCounters }, startedMs, finishedMs: done ? finishedMs : 0,
    };
  });
}
