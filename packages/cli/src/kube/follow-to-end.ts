import type { JobStatus__Output } from '@gomr/proto';
import { EXIT, GomrError } from '../errors.js';
import { createProgressDisplay } from '../progress/progress-display.js';
import { followJob } from './follow-job.js';
import { removeWorkers } from './job-deploy.js';
import type { KubeApi } from './kube-api.js';
import type { PortForwarder } from './port-forward.js';

export interface FollowToEndOptions {
  api: KubeApi;
  forwarder: PortForwarder;
  namespace: string;
  jobId: string;
  progress?: NodeJS.WriteStream;
  signal?: AbortSignal;
  pollMs?: number;
  podTimeoutMs?: number;
}

/**
 * Follows a deployed job to its end (`gomr start`, `gomr attach`), then removes its workers.
 * Detaching (the signal) leaves everything running. A failed job is an error with the master's
 * message.
 */
export async function followToEnd(o: FollowToEndOptions): Promise<JobStatus__Output> {
  const display = createProgressDisplay(o.progress ?? process.stderr, !!o.progress);
  let status: JobStatus__Output;
  try {
    status = await followJob({ ...o, display });
  } catch (err) {
    if (!o.signal?.aborted) await removeWorkers(o.api, o.namespace, o.jobId).catch(() => {});
    throw err;
  }
  await removeWorkers(o.api, o.namespace, o.jobId);
  if (status.state === 'FAILED') {
    throw new GomrError(`job ${o.jobId} failed: ${status.error}`, EXIT.JOB_FAILED, `master log: gomr logs ${o.jobId} --master -n ${o.namespace}`);
  }
  return status;
}
