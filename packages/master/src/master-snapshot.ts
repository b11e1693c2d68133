import type { FailureKind__Output, JobState__Output, JobStatus } from '@gomr/proto';
import { buildJobSnapshot, type JobError, type JobSnapshot, type StepView } from './job-snapshot.js';
import { stepStatuses } from './step-status.js';
import type { JobSpec } from './job-spec.js';
import type { Scheduler } from './scheduler.js';
import type { WorkerRegistry } from './worker-registry.js';
import { buildTaskStory, type TaskStory } from './task-story.js';

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
  status(): MasterStatus;
}

/**
 * GetStatus's reply as the master builds it: its state and failure kind are always names of
 * the proto's enums (storage's FailureKind names them, so a kind the proto lacks does not compile).
 */
export type MasterStatus = JobStatus & { state: JobState__Output; errorKind: FailureKind__Output };

/** The end of a job as the summary records it; overrides the live state while finishing. */
export interface FinalState {
  state: JobState__Output;
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
      state: final?.state ?? live!.state,
      workerFile: master.spec.workerFile,
      inputs: master.spec.inputs,
      startedMs: master.startedMs,
      finishedMs: final?.finishedMs ?? master.finishedMs,
      maps: s.maps,
      reduces: s.reduces,
      mapOnly: s.mapOnly,
      ...(s.stepReducers.length > 1 ? { steps: stepStatuses(s) as StepView[], allTasks: s.allTasks() } : {}),
      workers: master.workers.all(),
      counters: totals.counters,
      userCounters: totals.userCounters,
      error: f ? jobErrorOf(f) : undefined,
      outputKeys: final?.outputKeys ?? live?.outputKeys ?? [],
      skippedKeys: final?.skippedKeys ?? live?.skippedKeys ?? [],
    },
    nowMs,
  );
}

/** One task's story from a running master's task table (for /api/tasks/<id>); null if it has no such task. */
export function storyOfMaster(master: Pick<MasterView, 'scheduler'>, taskId: string): TaskStory | null {
  const t = master.scheduler.task(taskId);
  if (!t || t.id !== taskId) return null;
  return buildTaskStory({ id: t.id, attempts: t.attempts, ...(t.split ? { input: t.split.inputName, range: [t.split.start, t.split.end] } : {}) });
}

/** Why the job failed, as the snapshot and the summary say it: with the attempt and where it failed, for gomr replay. */
export function jobErrorOf(f: NonNullable<Scheduler['failure']>): JobError {
  const e: JobError = { summary: f.summary, message: f.error.message, stack: f.error.stack, task: f.task };
  if (!f.task) return e;
  e.attempt = f.attempt;
  if (f.error.input) Object.assign(e, { input: f.error.input, offset: f.error.offset });
  if (f.error.key) e.key = f.error.key;
  return e;
}
