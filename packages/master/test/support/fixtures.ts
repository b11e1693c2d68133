import type { TaskReport } from '../../src/job-master.js';
import type { Split } from '../../src/plan-splits.js';

/**
 * Setups the master's tests share. `split(i)`: a 10-byte split of its own input file in/<i>,
 * for a Scheduler built by hand. `okReport`: a successful attempt's report with no outputs,
 * as a worker sends it on the task stream; `extra` overrides any field.
 */

export const split = (i: number): Split => ({ inputKey: `in/${i}`, inputName: `${i}.txt`, start: 0, end: 10, fileSize: 10 });

export function okReport(workerId: string, taskId: string, attempt: number, extra: Partial<TaskReport> = {}): TaskReport {
  return { workerId, taskId, attempt, ok: true, outputs: [], counters: { mapInputRecords: 1 }, userCounters: {}, error: null, ...extra };
}
