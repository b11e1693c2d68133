import { parseTaskId } from '@gomr/storage';
import { buildJobSnapshot, SNAPSHOT_VERSION, type JobSnapshot } from './job-snapshot.js';
import type { JobSummary } from './job-summary.js';
import { newTask, type TaskRecord } from './task-table.js';
import { buildTaskStory, type TaskStory } from './task-story.js';

/** Thrown for a summary.json this version of gomr cannot read. */
export class UnreadableSummaryError extends Error {
  constructor(
    readonly jobId: string,
    readonly reason: string,
  ) {
    super(`summary of job ${jobId} cannot be read: ${reason}`);
    this.name = 'UnreadableSummaryError';
  }
}

/**
 * The snapshot a saved summary holds, or one rebuilt from its task list (summaries written
 * before snapshots existed carry no worker records: those workers show as "gone").
 */
export function snapshotFromSummary(summary: JobSummary): JobSnapshot {
  if (summary.snapshot) {
    if (summary.snapshot.version !== SNAPSHOT_VERSION) {
      throw new UnreadableSummaryError(summary.jobId, `snapshot version ${String(summary.snapshot.version)}, expected ${SNAPSHOT_VERSION}`);
    }
    return summary.snapshot;
  }
  const maps: TaskRecord[] = [];
  const reduces: TaskRecord[] = [];
  for (const t of summary.tasks ?? []) {
    const id = parseTaskId(t.id);
    if (!id) continue;
    const task = newTask(id.kind, id.index, undefined, id.step);
    task.attempts = t.attempts;
    task.state = t.attempts.some((a) => a.outcome === 'committed') ? 'committed' : 'idle';
    (id.kind === 'MAP' ? maps : reduces).push(task);
  }
  return buildJobSnapshot(
    {
      jobId: summary.jobId, state: summary.state, workerFile: summary.workerFile, inputs: summary.inputs ?? [],
      startedMs: summary.startedMs, finishedMs: summary.finishedMs, maps, reduces, mapOnly: summary.mapOnly ?? false, workers: [],
      counters: summary.counters ?? {}, userCounters: summary.userCounters ?? {}, error: summary.error,
      outputKeys: summary.outputKeys ?? [],
      skippedKeys: summary.skippedKeys ?? [],
    },
    summary.finishedMs,
  );
}

/** One task's story from a saved summary; null if the job has no such task. */
export function storyFromSummary(summary: JobSummary, taskId: string): TaskStory | null {
  const t = (summary.tasks ?? []).find((x) => x.id === taskId);
  return t ? buildTaskStory({ id: t.id, attempts: t.attempts, ...(t.input ? { input: t.input } : {}), ...(t.range ? { range: t.range } : {}) }) : null;
}
