import type { FinalJobState } from '@gomr/storage';
import type { Counters } from './counters.js';
import type { AttemptRecord } from './task-table.js';
import type { JobError, JobSnapshot } from './job-snapshot.js';

/** What the master writes to `jobs/<id>/summary.json` when a job ends. */
export interface JobSummary {
  jobId: string;
  state: FinalJobState;
  workerFile: string;
  inputs: { name: string; size: number }[];
  maps: number;
  reducers: number;
  /** No reduce phase: the output is one part-m-NNNNN per map task. */
  mapOnly?: boolean;
  /** A job of steps: each step planned (maps and reducers above are the last one's). */
  steps?: { step: number; maps: number; reducers: number; counters: Counters; userCounters: Counters }[];
  startedMs: number;
  finishedMs: number;
  counters: Counters;
  userCounters: Counters;
  outputKeys: string[];
  /** --skip-bad-records: the committed dead-letter files, output/_skipped/<task>.jsonl (absent: none). */
  skippedKeys?: string[];
  error?: JobError;
  /** --skip-bad-records: chunks and keys given up on. */
  skipped?: { task: string; input: string; offset: number; key: string; message: string }[];
  /** Every task with all its attempts (and a map task's input and byte range): their stories. */
  tasks: { id: string; attempts: AttemptRecord[]; input?: string; range?: [number, number] }[];
  /**
   * The job's final snapshot, the data of its status page (absent in summaries written before
   * gomr had one; snapshotFromSummary rebuilds it from the fields above).
   */
  snapshot?: JobSnapshot;
}
