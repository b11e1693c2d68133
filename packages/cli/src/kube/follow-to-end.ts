import type { JobStatus__Output } from '@gomr/proto';
import { JobFailedError } from '../errors.js';
import { createProgressDisplay } from '../progress/progress-display.js';
import { DetachedError, followJob, MasterEndedError } from './follow-job.js';
import { removeWorkers } from './job-deploy.js';
import { ClusterUnreachableError, type KubeApi } from './kube-api.js';
import { readMasterJobState } from './master-state.js';
import type { PortForwarder } from './port-forward.js';
import { loadSavedStatus } from './saved-status.js';

export interface FollowToEndOptions {
  api: KubeApi;
  forwarder: PortForwarder;
  namespace: string;
  jobId: string;
  progress?: NodeJS.WriteStream;
  signal?: AbortSignal;
  pollMs?: number;
  podTimeoutMs?: number;
  silenceMs?: number;
  workerCheckMs?: number;
  log?: (line: string) => void;
}

/**
 * Follows a deployed job to its end (`gomr start`, `gomr attach`), then removes its workers.
 * A job whose master has already ended is not waited for: its result comes from the summary
 * the master saved in MinIO. Detaching (the signal) leaves everything running. A failed job is
 * an error with the master's message.
 */
export async function followToEnd(o: FollowToEndOptions): Promise<JobStatus__Output> {
  const deps = { api: o.api, forwarder: o.forwarder, namespace: o.namespace };
  let status: JobStatus__Output | null;
  // A cluster that does not answer now is waited for by followJob, not taken for an ended job.
  const state = await readMasterJobState(o.api, o.namespace, o.jobId).catch((err) => (err instanceof ClusterUnreachableError ? undefined : Promise.reject(err)));
  const ended = !!state && state.state !== 'active';
  if (ended) status = await loadSavedStatus(deps, o.jobId);
  else status = null;
  if (!status) {
    const display = createProgressDisplay(o.progress ?? process.stderr, !!o.progress);
    try {
      status = await followJob({ ...o, display, log: o.log ?? ((l) => process.stderr.write(`${l}\n`)) });
    } catch (err) {
      if (err instanceof DetachedError) throw err;
      // The master ended while we were away: its summary says how the job went.
      const saved = err instanceof MasterEndedError ? await loadSavedStatus(deps, o.jobId).catch(() => null) : null;
      if (!saved) {
        await removeWorkers(o.api, o.namespace, o.jobId).catch(() => {});
        throw err;
      }
      status = saved;
    }
  }
  await removeWorkers(o.api, o.namespace, o.jobId);
  if (status.state === 'FAILED') {
    throw new JobFailedError(`job ${o.jobId} failed: ${status.error}`, status.errorKind, `master log: gomr logs ${o.jobId} --master -n ${o.namespace}`);
  }
  return status;
}
