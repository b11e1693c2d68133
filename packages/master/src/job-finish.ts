import { jobKeys, parseTaskId, type Storage } from '@gomr/storage';
import type { JobSpec } from './job-spec.js';
import type { JobSummary } from './job-summary.js';
import { jobErrorOf, snapshotOfMaster, type MasterView } from './master-snapshot.js';

/**
 * The end of a job: its intermediate objects removed (unless the spec keeps them), then its
 * summary (summary.json, with the status page's last snapshot inside) written. Neither throws:
 * a cleanup or a write that fails is logged, and the job still ends.
 */

/**
 * Removes the job's intermediate objects (map runs, attempt outputs), unless spec.keepIntermediate.
 * `failedTask`: the task that failed the job; when it is a reduce task, the map runs stay, as
 * `gomr replay` needs them to re-run it (a map task needs only its input, which is kept).
 */
export async function cleanupIntermediate(storage: Storage, spec: JobSpec, log: (line: string) => void, failedTask = ''): Promise<void> {
  if (spec.keepIntermediate) return;
  const [mapRuns] = jobKeys.intermediate(spec.jobId);
  const failed = parseTaskId(failedTask);
  // Kept for gomr replay, which re-runs the reduce tasks of the first step (r-NNNNN) only.
  const keepMapRuns = failed?.kind === 'REDUCE' && failed.step === 0;
  for (const prefix of jobKeys.intermediate(spec.jobId)) {
    if (prefix === mapRuns && keepMapRuns) continue;
    await storage.deletePrefix(prefix).catch((err: Error) => log(`cleanup of ${prefix} failed: ${err.message}`));
  }
}

/** The summary of a job that ended at finishedMs: SUCCEEDED when its scheduler got to COMMITTING, else FAILED. */
export function buildSummary(master: MasterView, outputKeys: string[], finishedMs: number, skippedKeys: string[] = []): JobSummary {
  const s = master.scheduler;
  const succeeded = s.phase === 'COMMITTING';
  const totals = s.totals();
  const summary: JobSummary = {
    jobId: master.spec.jobId,
    state: succeeded ? 'SUCCEEDED' : 'FAILED',
    workerFile: master.spec.workerFile,
    inputs: master.spec.inputs.map((i) => ({ name: i.name, size: i.size })),
    maps: s.maps.length,
    reducers: s.reduces.length,
    startedMs: master.startedMs,
    finishedMs,
    counters: totals.counters,
    userCounters: totals.userCounters,
    outputKeys: succeeded ? outputKeys : [],
    ...(s.mapOnly ? { mapOnly: true } : {}),
    ...(s.stepReducers.length > 1 ? { steps: s.steps.map((st, i) => ({ step: i, maps: st.maps.length, reducers: st.reduces.length, counters: { ...st.counters }, userCounters: { ...st.userCounters } })) } : {}),
    tasks: s.allTasks().map((t) => ({ id: t.id, attempts: t.attempts, ...(t.split ? { input: t.split.inputName, range: [t.split.start, t.split.end] as [number, number] } : {}) })),
  };
  if (s.skipped.length) summary.skipped = s.skipped;
  if (skippedKeys.length) summary.skippedKeys = skippedKeys;
  if (s.failure) summary.error = jobErrorOf(s.failure);
  summary.snapshot = snapshotOfMaster(master, finishedMs, summary); // the status page's data, kept
  return summary;
}

/** Writes summary.json. */
export async function writeSummary(storage: Storage, summary: JobSummary, log: (line: string) => void): Promise<void> {
  await storage
    .put(jobKeys.summary(summary.jobId), JSON.stringify(summary, null, 2))
    .catch((err: Error) => log(`could not write summary: ${err.message}`));
}
