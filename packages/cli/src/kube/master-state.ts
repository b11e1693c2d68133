import type { V1Job } from '@kubernetes/client-node';
import { isNotFound, kubeCall, type KubeApi } from './kube-api.js';
import { jobNames } from './resource-names.js';

/**
 * Where a job's master Job is: `active` while it runs or restarts a failed pod, `completed`
 * (its pod exited 0 after the job ended), `failed` (Kubernetes gave up on it: backoffLimit or
 * activeDeadlineSeconds reached), or `gone` (deleted).
 */
export type MasterJobState = 'active' | 'completed' | 'failed' | 'gone';

const isTrue = (job: V1Job, type: string) => !!job.status?.conditions?.some((c) => c.type === type && c.status === 'True');

/**
 * A master Job's state from its conditions (kubernetes.io/docs/concepts/workloads/controllers/
 * job: a finished Job has condition Complete or Failed; FailureTarget and SuccessCriteriaMet
 * come first, while its pods terminate). A failed pod alone is not the end: the Job starts
 * another, which resumes.
 */
export function masterJobState(job: V1Job): Exclude<MasterJobState, 'gone'> {
  if (isTrue(job, 'Failed') || isTrue(job, 'FailureTarget')) return 'failed';
  if (isTrue(job, 'Complete') || isTrue(job, 'SuccessCriteriaMet') || (job.status?.succeeded ?? 0) > 0) return 'completed';
  if ((job.status?.failed ?? 0) > (job.spec?.backoffLimit ?? 6)) return 'failed';
  return 'active';
}

/** Reads the master Job of a job; `gone` when it does not exist. */
export async function readMasterJobState(api: KubeApi, namespace: string, jobId: string): Promise<{ state: MasterJobState; reason?: string }> {
  try {
    const job = await kubeCall(api, `reading the master Job of job ${jobId}`, () => api.batch.readNamespacedJob({ name: jobNames(jobId).master, namespace }));
    const state = masterJobState(job);
    const cond = job.status?.conditions?.find((c) => (c.type === 'Failed' || c.type === 'FailureTarget') && c.status === 'True');
    return { state, ...(state === 'failed' && cond ? { reason: `${cond.reason ?? ''}${cond.message ? `: ${cond.message}` : ''}` } : {}) };
  } catch (err) {
    if (isNotFound(err)) return { state: 'gone' };
    throw err;
  }
}
