import { randomBytes } from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import { ClusterError } from '../errors.js';
import { createIfMissing, kubeCall, isNotFound, asClusterError, type CreateIfMissingOptions, type KubeApi } from './kube-api.js';
import { minioCredentialsSecret, minioDeployment, minioService, minioVolumeClaim, type MinioManifestOptions } from './manifests/minio-manifests.js';
import { componentLabels, MINIO, selector } from './resource-names.js';
import { waitForReadyPod } from './wait-for-pod.js';

export interface MinioCredentials {
  accessKey: string;
  secretKey: string;
}

export interface EnsureMinioResult {
  credentials: MinioCredentials;
  /** Objects created by this call ("Secret/gomr-minio-credentials", ...); empty when reused. */
  created: string[];
}

/** Reads the stored root credentials, or undefined when the Secret does not exist. */
export async function readMinioCredentials(api: KubeApi, namespace: string): Promise<MinioCredentials | undefined> {
  try {
    const secret = await kubeCall(api, 'reading the MinIO credentials', () => api.core.readNamespacedSecret({ name: MINIO.secret, namespace }));
    const data = secret.data ?? {};
    const decode = (k: string) => (data[k] ? Buffer.from(data[k], 'base64').toString('utf8') : '');
    const accessKey = decode('MINIO_ROOT_USER');
    const secretKey = decode('MINIO_ROOT_PASSWORD');
    if (!accessKey || !secretKey) throw new ClusterError(`Secret ${MINIO.secret} in ${namespace} lacks MINIO_ROOT_USER or MINIO_ROOT_PASSWORD; delete it with gomr down --purge`);
    return { accessKey, secretKey };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw asClusterError(err, 'reading the MinIO credentials');
  }
}

/**
 * Makes sure MinIO runs in the namespace: credentials (generated once, random, kept in a
 * Secret), volume, Deployment and Service. What exists is left as it is.
 */
export async function ensureMinio(api: KubeApi, o: MinioManifestOptions, wait: CreateIfMissingOptions = {}): Promise<EnsureMinioResult> {
  const ns = o.namespace;
  const created: string[] = [];
  let credentials = await readMinioCredentials(api, ns);
  if (!credentials) {
    const fresh = { accessKey: `gomr-${randomBytes(6).toString('hex')}`, secretKey: randomBytes(30).toString('base64url') };
    const r = await createIfMissing(
      api,
      `Secret ${MINIO.secret}`,
      () => api.core.readNamespacedSecret({ name: MINIO.secret, namespace: ns }),
      () => api.core.createNamespacedSecret({ namespace: ns, body: minioCredentialsSecret(ns, fresh.accessKey, fresh.secretKey) }),
    );
    if (r === 'created') {
      created.push(`Secret/${MINIO.secret}`);
      credentials = fresh;
    } else {
      // Another gomr made it in between: use theirs.
      credentials = (await readMinioCredentials(api, ns))!;
    }
  }
  const steps: [string, () => Promise<unknown>, () => Promise<unknown>][] = [
    [`PersistentVolumeClaim/${MINIO.pvc}`, () => api.core.readNamespacedPersistentVolumeClaim({ name: MINIO.pvc, namespace: ns }), () => api.core.createNamespacedPersistentVolumeClaim({ namespace: ns, body: minioVolumeClaim(o) })],
    [`Deployment/${MINIO.deployment}`, () => api.apps.readNamespacedDeployment({ name: MINIO.deployment, namespace: ns }), () => api.apps.createNamespacedDeployment({ namespace: ns, body: minioDeployment(o) })],
    [`Service/${MINIO.service}`, () => api.core.readNamespacedService({ name: MINIO.service, namespace: ns }), () => api.core.createNamespacedService({ namespace: ns, body: minioService(ns) })],
  ];
  for (const [what, read, create] of steps) {
    if ((await createIfMissing(api, what, read, create, wait)) === 'created') created.push(what);
  }
  return { credentials, created };
}

export interface WaitOptions {
  /** @default 180000 */
  timeoutMs?: number;
  /** @default 1000 */
  pollMs?: number;
  signal?: AbortSignal;
  /** Problems that do not end the wait (unschedulable for a while) are reported here. */
  log?: (line: string) => void;
}

/**
 * Waits until MinIO's pod is ready. A pod that cannot start (its image cannot be pulled, it
 * keeps crashing) fails at once with its reason and message; on timeout the error says why,
 * from the pod's state and events (a volume that cannot be bound), or the ReplicaSet's
 * FailedCreate events when no pod could be made.
 */
export async function waitForMinio(api: KubeApi, namespace: string, o: WaitOptions = {}): Promise<V1Pod> {
  return waitForReadyPod(api, namespace, selector(componentLabels('minio')), {
    what: 'MinIO', where: `in namespace ${namespace}`, timeoutMs: o.timeoutMs ?? 180_000, pollMs: o.pollMs, signal: o.signal, log: o.log,
    ownerName: (name) => name.startsWith(`${MINIO.deployment}-`),
  });
}
