import { asClusterError, isNotFound, kubeCall, type KubeApi } from './kube-api.js';
import { LABEL, MINIO, selector } from './resource-names.js';

export interface TearDownResult {
  /** "Kind/name" of every object deleted. */
  deleted: string[];
  /** What was kept, and why, for the summary line. */
  kept: string[];
}

const managed = selector({ [LABEL.managedBy]: 'gomr' });

/**
 * `gomr down`: deletes every object gomr created in the namespace (by its managed-by label):
 * jobs and their pods, services, deployments, job secrets. The MinIO volume and its
 * credentials (the stored inputs and outputs) are kept unless `purge`, which also deletes the
 * namespace when gomr created it.
 */
export async function tearDown(api: KubeApi, namespace: string, purge: boolean): Promise<TearDownResult> {
  const deleted: string[] = [];
  const kept: string[] = [];
  const del = async (kind: string, name: string, call: () => Promise<unknown>) => {
    try {
      await kubeCall(api, `deleting ${kind}/${name}`, call);
      deleted.push(`${kind}/${name}`);
    } catch (err) {
      if (!isNotFound(err)) throw asClusterError(err, `deleting ${kind}/${name}`);
    }
  };
  const names = (list: { items: { metadata?: { name?: string } }[] }) => list.items.map((i) => i.metadata!.name!);
  const q = { namespace, labelSelector: managed };

  for (const name of names(await kubeCall(api, 'listing jobs', () => api.batch.listNamespacedJob(q)))) {
    await del('Job', name, () => api.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: 'Background' }));
  }
  for (const name of names(await kubeCall(api, 'listing deployments', () => api.apps.listNamespacedDeployment(q)))) {
    await del('Deployment', name, () => api.apps.deleteNamespacedDeployment({ name, namespace }));
  }
  for (const name of names(await kubeCall(api, 'listing services', () => api.core.listNamespacedService(q)))) {
    await del('Service', name, () => api.core.deleteNamespacedService({ name, namespace }));
  }
  for (const name of names(await kubeCall(api, 'listing secrets', () => api.core.listNamespacedSecret(q)))) {
    if (name === MINIO.secret && !purge) {
      kept.push(`Secret/${name}`);
      continue;
    }
    await del('Secret', name, () => api.core.deleteNamespacedSecret({ name, namespace }));
  }
  for (const name of names(await kubeCall(api, 'listing volume claims', () => api.core.listNamespacedPersistentVolumeClaim(q)))) {
    if (!purge) {
      kept.push(`PersistentVolumeClaim/${name}`);
      continue;
    }
    await del('PersistentVolumeClaim', name, () => api.core.deleteNamespacedPersistentVolumeClaim({ name, namespace }));
  }
  if (purge) {
    const ns = await kubeCall(api, `reading namespace ${namespace}`, () => api.core.readNamespace({ name: namespace })).catch((err) => {
      if (isNotFound(err)) return undefined;
      throw asClusterError(err, `reading namespace ${namespace}`);
    });
    if (ns?.metadata?.labels?.[LABEL.managedBy] === 'gomr') await del('Namespace', namespace, () => api.core.deleteNamespace({ name: namespace }));
    else if (ns) kept.push(`Namespace/${namespace} (not created by gomr)`);
  }
  return { deleted, kept };
}
