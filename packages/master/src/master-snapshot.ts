import type { JobStatus } from '@gomr/proto';
import { buildJobSnapshot, type JobSnapshot } from './job-snapshot.js';
import type { JobSpec } from './job-spec.js';
import type { Scheduler } from './scheduler.js';
import type { WorkerRegistry } from './worker-registry.js';

/**
 * What a snapshot reads of a master: JobMaster has it. Named here, not imported from
 * job-master.ts, so that the master can take its own snapshot without a circular import.
 */
export interface MasterView {
  readonly spec: JobSpec;
  readonly scheduler: Scheduler;
  readonly workers: WorkerRegistry;
  readonly startedMs: number;
  readonly finishedMs: number;
  status(): JobStatus;
}

/** The end of a job as the summary records it; overrides the live state while finishing. */
export interface FinalState {
  state: string;
  finishedMs: number;
  outputKeys: string[];
  skippedKeys?: string[];
}

/** The snapshot of a running master (for /api/status), or of its end (for summary.json). */
export function snapshotOfMaster(master: MasterView, nowMs: number, final?: FinalState): JobSnapshot {
  const s = master.scheduler;
  const live = final ? undefined : master.status();
  const totals = s.totals();
  const f = s.failure;
  return buildJobSnapshot(
    {
      jobId: master.spec.jobId,
      state: final?.state ?? live?.state ?? '',
      workerFile: master.spec.workerFile,
      inputs: master.spec.inputs,
      startedMs: master.startedMs,
      finishedMs: final?.finishedMs ?? master.finishedMs,
      maps: s.maps,
      reduces: s.reduces,
      mapOnly: s.mapOnly,
      workers: master.workers.all(),
      counters: totals.counters,
      userCounters: totals.userCounters,
      error: f ? { summary: f.summary, message: f.error.message, stack: f.error.stack, task: f.task } : undefined,
      outputKeys: final?.outputKeys ?? live?.outputKeys ?? [],
      skippedKeys: final?.skippedKeys ?? live?.skippedKeys ?? [],
    },
    nowMs,
  );
}
