import type { Counters } from './counters.js';
import type { AttemptRecord } from './task-table.js';

/** What the master writes to `jobs/<id>/summary.json` when a job ends. */
export interface JobSummary {
  jobId: string;
  state: 'SUCCEEDED' | 'FAILED';
  workerFile: string;
  inputs: { name: string; size: number }[];
  maps: number;
  reducers: number;
  startedMs: number;
  finishedMs: number;
  counters: Counters;
  userCounters: Counters;
  outputKeys: string[];
  error?: { summary: string; message: string; stack: string; task: string };
  tasks: { id: string; attempts: AttemptRecord[] }[];
}
