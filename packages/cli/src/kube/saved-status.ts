import type { JobStatus__Output } from '@gomr/proto';
import type { JobSnapshot } from '@gomr/master';
import { readSavedSnapshot } from '../job/load-job-snapshot.js';
import { withClusterMinio, type KubeStatusDeps } from './kube-job-status.js';

/** The final status of a job as its master's GetStatus gave it, rebuilt from its saved snapshot. */
export function statusFromSnapshot(s: JobSnapshot): JobStatus__Output {
  const phase = (p: JobSnapshot['maps']) => ({ total: p.total, done: p.done, running: p.running, failed: p.failedAttempts });
  return {
    jobId: s.jobId, state: s.state, maps: phase(s.maps), reduces: phase(s.reduces), counters: { ...s.counters }, userCounters: { ...s.userCounters },
    error: s.error?.summary ?? '', outputKeys: [...s.outputKeys], workers: [], startedMs: s.startedMs, finishedMs: s.finishedMs, errorKind: 'FAILURE_KIND_UNSPECIFIED', mapOnly: s.mapOnly,
    steps: (s.steps ?? []).map((st) => ({ ...st, maps: { ...st.maps }, reduces: { ...st.reduces } })),
    step: s.steps?.length ? s.steps.length - 1 : 0,
    skippedKeys: [...(s.skippedKeys ?? [])],
  };
}

/**
 * How a job ended, from the summary its master saved in the namespace's MinIO (read through a
 * port-forward); null when there is none (the job has not ended, or MinIO does not run).
 */
export async function loadSavedStatus(deps: KubeStatusDeps, jobId: string): Promise<JobStatus__Output | null> {
  const saved = await withClusterMinio(deps, (storage) => readSavedSnapshot(storage, jobId));
  return 'value' in saved && saved.value ? statusFromSnapshot(saved.value) : null;
}
