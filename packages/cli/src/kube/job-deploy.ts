import { asClusterError, isNotFound, kubeCall, type KubeApi } from './kube-api.js';
import { jobSecret, masterJob, masterService, workersJob, type JobManifestOptions, type JobSecretData } from './manifests/job-manifests.js';
import { jobNames } from './resource-names.js';

/**
 * Creates one job's objects: the master Job first, then, owned by it (ownerReferences with its
 * uid), the job's Secret, the master's Service and the workers' Job, so deleting the master Job
 * deletes the rest. The master needs none of them to start (it reads its spec from MinIO). If a
 * step fails, what was created is deleted again before the error is thrown.
 */
export async function deployJob(api: KubeApi, o: JobManifestOptions, secret: JobSecretData): Promise<void> {
  const namespace = o.namespace;
  const names = jobNames(o.jobId);
  const created: { what: string; remove: () => Promise<unknown> }[] = [];
  const step = async <T>(what: string, call: () => Promise<T>, remove: () => Promise<unknown>): Promise<T> => {
    try {
      const result = await kubeCall(api, `creating ${what}`, call);
      created.push({ what, remove });
      return result;
    } catch (err) {
      const error = asClusterError(err, `creating ${what}`);
      for (const c of created.reverse()) await kubeCall(api, `deleting ${c.what}`, c.remove).catch(() => {});
      throw error;
    }
  };
  const master = await step(`Job/${names.master}`, () => api.batch.createNamespacedJob({ namespace, body: masterJob(o) }), () =>
    api.batch.deleteNamespacedJob({ name: names.master, namespace, propagationPolicy: 'Background' }),
  );
  const owner = { name: names.master, uid: master.metadata?.uid ?? '' };
  const owned: JobManifestOptions = owner.uid ? { ...o, owner } : o;
  await step(`Secret/${names.secret}`, () => api.core.createNamespacedSecret({ namespace, body: jobSecret(owned, secret) }), () =>
    api.core.deleteNamespacedSecret({ name: names.secret, namespace }),
  );
  await step(`Service/${names.masterService}`, () => api.core.createNamespacedService({ namespace, body: masterService(owned) }), () =>
    api.core.deleteNamespacedService({ name: names.masterService, namespace }),
  );
  await step(`Job/${names.workers}`, () => api.batch.createNamespacedJob({ namespace, body: workersJob(owned) }), () =>
    api.batch.deleteNamespacedJob({ name: names.workers, namespace, propagationPolicy: 'Background' }),
  );
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
