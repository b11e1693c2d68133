import type { StepStatus__Output } from '@gomr/proto';
import { formatCount } from './format-summary.js';

/** A step as the status shows it: GetStatus's StepStatus, or a snapshot's StepView. */
export type StepLike = Pick<StepStatus__Output, 'step' | 'state' | 'startedMs' | 'finishedMs'> & {
  maps: { total: number; done: number; running: number; failed: number } | null;
  reduces: { total: number; done: number; running: number; failed: number } | null;
  counters: Record<string, number>;
};

/**
 * One line per step of a job of steps (none for a job of one step): its state, tasks, time and
 * records in and out. Shared by the summary `gomr run` prints and `gomr status`.
 */
export function stepLines(steps: readonly StepLike[], nowMs = Date.now()): string[] {
  return steps.map((s) => {
    const m = s.maps ?? { total: 0, done: 0, running: 0, failed: 0 };
    const r = s.reduces ?? { total: 0, done: 0, running: 0, failed: 0 };
    const n = `step ${s.step + 1}`.padEnd(9);
    const reduces = r.total ? `${r.done}/${r.total} reduce` : 'no reduce (map-only)';
    const tasks = `${m.done}/${m.total} map, ${reduces}, ${m.failed + r.failed} failed attempts`;
    if (s.state === 'PENDING') return `  ${n} pending: ${r.total ? `${r.total} reduce tasks` : 'map-only'}, map tasks planned when step ${s.step} ends`;
    const ms = (s.finishedMs || nowMs) - s.startedMs;
    const time = s.startedMs ? ` in ${(ms / 1000).toFixed(2)} s` : '';
    const c = s.counters;
    // Step 1 reads the job's input; later steps count the records they read apart (see inputCounters).
    const input = c.mapInputRecords ?? c.stepInputRecords;
    const out = c.outputRecords ?? c.stepOutputRecords;
    return `  ${n} ${s.state.toLowerCase()}${time}: ${tasks}; ${formatCount(input)} records in, ${formatCount(out)} out`;
  });
}

/** `step 2/3 ` before a progress line of a job of steps; '' for a job of one step. */
export function stepPrefix(steps: readonly unknown[], step: number): string {
  return steps.length > 1 ? `step ${step + 1}/${steps.length} ` : '';
}
