import { asClusterError, isNotFound, kubeCall, type KubeApi } from './kube-api.js';
import { jobSecret, masterJob, masterService, workersJob, type JobManifestOptions, type JobSecretData } from './manifests/job-manifests.js';
import { jobNames } from './resource-names.js';

/** Creates one job's objects: its Secret, the master (Job + Service) and the workers' Job. */
export async function deployJob(api: KubeApi, o: JobManifestOptions, secret: JobSecretData): Promise<void> {
  const namespace = o.namespace;
  const names = jobNames(o.jobId);
  const step = async (what: string, call: () => Promise<unknown>) => {
    try {
      await kubeCall(api, `creating ${what}`, call);
    } catch (err) {
      throw asClusterError(err, `creating ${what}`);
    }
  };
  await step(`Secret/${names.secret}`, () => api.core.createNamespacedSecret({ namespace, body: jobSecret(namespace, o.jobId, secret) }));
  await step(`Job/${names.master}`, () => api.batch.createNamespacedJob({ namespace, body: masterJob(o) }));
  await step(`Service/${names.masterService}`, () => api.core.createNamespacedService({ namespace, body: masterService(namespace, o.jobId) }));
  await step(`Job/${names.workers}`, () => api.batch.createNamespacedJob({ namespace, body: workersJob(o) }));
}

/**
 * Deletes the workers' Job and its pods (the job is over; MinIO, the master's pod and its logs
 * stay until `gomr down`). Absent is fine.
 */
export async function removeWorkers(api: KubeApi, namespace: string, jobId: string): Promise<void> {
  const name = jobNames(jobId).workers;
  try {
    await kubeCall(api, `deleting Job/${name}`, () => api.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }));
  } catch (err) {
    if (!isNotFound(err)) throw asClusterError(err, `deleting Job/${name}`);
  }
}
