import type { V1Job } from '@kubernetes/client-node';
import { UsageError } from '../errors.js';
import { kubeCall, type KubeApi } from './kube-api.js';
import { masterJobState } from './master-state.js';
import { componentLabels, LABEL, selector } from './resource-names.js';

export interface ClusterJob {
  jobId: string;
  createdAt: string;
  /** The master Job's state: running, succeeded or failed (of the master pod, not the MapReduce job). */
  master: 'running' | 'completed' | 'failed';
}

function masterState(j: V1Job): ClusterJob['master'] {
  const state = masterJobState(j);
  // A failed pod and none active, before the Job controller's conditions say more: ended.
  if (state === 'failed' || (state === 'active' && (j.status?.failed ?? 0) > 0 && !j.status?.active && !j.status?.conditions?.length)) return 'failed';
  return state === 'completed' ? 'completed' : 'running';
}

/** The jobs whose master Job is in the namespace, newest first. */
export async function listClusterJobs(api: KubeApi, namespace: string): Promise<ClusterJob[]> {
  const { items } = await kubeCall(api, 'listing jobs', () =>
    api.batch.listNamespacedJob({ namespace, labelSelector: selector({ [LABEL.component]: 'master', [LABEL.managedBy]: 'gomr' }) }),
  );
  return items
    .map((j) => ({ jobId: j.metadata!.labels![LABEL.job]!, createdAt: new Date(j.metadata!.creationTimestamp ?? 0).toISOString(), master: masterState(j) }))
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

/** The given job id, checked to exist, or the newest job when none is given. */
export async function resolveJobId(api: KubeApi, namespace: string, jobId: string | undefined): Promise<string> {
  const jobs = await listClusterJobs(api, namespace);
  if (!jobId) {
    if (!jobs.length) throw new UsageError(`no gomr job in namespace ${namespace}; start one with gomr start`);
    return jobs[0]!.jobId;
  }
  if (!jobs.some((j) => j.jobId === jobId)) {
    const known = jobs.slice(0, 5).map((j) => j.jobId).join(', ');
    throw new UsageError(`no job ${jobId} in namespace ${namespace}${known ? ` (newest: ${known})` : ''}`);
  }
  return jobId;
}

export const masterSelector = (jobId: string) => selector(componentLabels('master', jobId));
export const workerSelector = (jobId: string) => selector(componentLabels('worker', jobId));
