import type { V1Container, V1EnvVar, V1Job, V1ObjectMeta, V1OwnerReference, V1PodFailurePolicy, V1Secret, V1Service } from '@kubernetes/client-node';
import { jobKeys, STORAGE_ENV, STORAGE_RETRY_ENV } from '@gomr/storage';
import { componentLabels, jobNames, MASTER_PORT, MASTER_STATUS_PORT, MINIO } from '../resource-names.js';
import { minioClusterEndpoint, serviceHost } from './minio-manifests.js';
import { containerSecurity, podSecurity } from './pod-security.js';
import { workerMemoryLimit } from './worker-memory.js';

/** What the cluster needs to know to run one job. */
export interface JobManifestOptions {
  namespace: string;
  jobId: string;
  masterImage: string;
  workerImage: string;
  /** Worker pods that run at once. */
  workers: number;
  /** @default "IfNotPresent" (images are tagged by content, and kind/minikube load them locally) */
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  /** A Secret of type kubernetes.io/dockerconfigjson the pods pull their images with. @default none */
  imagePullSecret?: string;
  /**
   * Per worker. @default { cpu: "500m", memory: "512Mi" } requested; { memory: "1Gi" } limit, or
   * executorHeapMb + 512Mi when that is more (see workerMemoryLimit)
   */
  workerResources?: { cpu?: string; memory?: string; memoryLimit?: string };
  /** Map-side buffer per task before spilling, bytes. @default the worker's own default (64 MiB) */
  spillBytes?: number;
  /**
   * The inputs are read from another store than the job's (s3:// inputs): the job's Secret then
   * holds its config as input-storage.json, and workers get it as GOMR_INPUT_STORAGE_JSON.
   */
  separateInputStorage?: boolean;
  /**
   * Heap limit of the thread running user code in each worker, MiB (GOMR_EXECUTOR_HEAP_MB).
   * @default the worker's own: 1536, or less where V8 sizes the process's heap smaller from the
   * pod's memory limit
   */
  executorHeapMb?: number;
  /**
   * How long the master keeps serving status after the job ends, so a detached CLI can
   * re-attach; then its pod completes and its logs stay until `gomr down`. @default 600000
   */
  masterLingerMs?: number;
  /**
   * Storage retry settings for the master and the workers (GOMR_STORAGE_RETRY_BUDGET_MS, ...),
   * see storageRetryEnv. @default none (their defaults)
   */
  storageEnv?: Record<string, string>;
  /**
   * Seconds each of the job's two Kubernetes Jobs may stay active before Kubernetes ends it
   * (activeDeadlineSeconds): a job that hangs does not hold its pods forever.
   * @default DEFAULT_ACTIVE_DEADLINE_S (24 h)
   */
  activeDeadlineSeconds?: number;
  /**
   * The cluster's DNS domain, for fully qualified Service names. @default none: the short
   * names, which resolve inside the namespace whatever the domain
   */
  clusterDomain?: string;
  /** Size limit of each worker's /tmp (spills and merges). @default "10Gi" */
  workerTmpSize?: string;
  /**
   * The master Job, once created: the workers' Job, the Service and the Secret name it as their
   * owner, so deleting the master Job deletes them (garbage collection). @default no owner
   */
  owner?: { name: string; uid: string };
}

/** A day: long for a batch job, short of forever for one that hangs. */
export const DEFAULT_ACTIVE_DEADLINE_S = 24 * 3600;
/** Master pods that may fail (out of memory, node lost) before the job does; each resumes. */
export const MASTER_BACKOFF_LIMIT = 3;
export const DEFAULT_WORKER_TMP_SIZE = '10Gi';

/**
 * A pod evicted, preempted, or lost with its node (the DisruptionTarget condition) does not
 * count against backoffLimit: the Job just starts another. The exact rule of the Kubernetes
 * docs (tasks/job/pod-failure-policy); it needs restartPolicy Never.
 */
export const IGNORE_DISRUPTIONS: V1PodFailurePolicy = {
  rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }],
};

function ownedBy(o: JobManifestOptions): Pick<V1ObjectMeta, 'ownerReferences'> {
  if (!o.owner) return {};
  const ref: V1OwnerReference = { apiVersion: 'batch/v1', kind: 'Job', name: o.owner.name, uid: o.owner.uid, blockOwnerDeletion: true };
  return { ownerReferences: [ref] };
}

/**
 * The storage retry settings (packages/storage/README.md) set in `env`, to pass on to the pods:
 * GOMR_STORAGE_RETRY_ATTEMPTS, _BASE_MS, _MAX_MS, _BUDGET_MS, GOMR_STORAGE_REQUEST_TIMEOUT_MS,
 * GOMR_STORAGE_LOG_RETRIES.
 */
export function storageRetryEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.values(STORAGE_RETRY_ENV)) {
    const value = env[name];
    if (value !== undefined && value !== '') out[name] = value;
  }
  return out;
}

function envList(vars: Record<string, string> | undefined): V1EnvVar[] {
  return Object.entries(vars ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, value]) => ({ name, value }));
}

export interface JobSecretData {
  /** The workers' storage config (JSON; holds the storage credentials, hence a Secret). */
  storageJson: string;
  /** The job's gRPC token, shared by master and workers. */
  token: string;
  /** Where the inputs are read from, when not the job's store (JSON; credentials too). */
  inputStorageJson?: string;
}

export function jobSecret(o: JobManifestOptions, data: JobSecretData): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: jobNames(o.jobId).secret, namespace: o.namespace, labels: componentLabels('master', o.jobId), ...ownedBy(o) },
    type: 'Opaque',
    stringData: { 'storage.json': data.storageJson, token: data.token, ...(data.inputStorageJson ? { 'input-storage.json': data.inputStorageJson } : {}) },
  };
}

/**
 * The master runs as a Job of one pod. A master that fails (out of memory, its node lost) is
 * replaced, up to MASTER_BACKOFF_LIMIT times (evictions do not count): the new one reads the
 * same spec from MinIO and resumes from the job's commit log there, without redoing committed
 * tasks. It reads MinIO with the store's credentials from their Secret, so it needs no object
 * of its own job to start. The pod completes `masterLingerMs` after the job.
 */
export function masterJob(o: JobManifestOptions): V1Job {
  const names = jobNames(o.jobId);
  const labels = componentLabels('master', o.jobId);
  const minioKey = (key: string) => ({ secretKeyRef: { name: MINIO.secret, key } });
  const container: V1Container = {
    name: 'master',
    image: o.masterImage,
    imagePullPolicy: o.imagePullPolicy ?? 'IfNotPresent',
    env: [
      { name: 'GOMR_JOB_SPEC_KEY', value: jobKeys.spec(o.jobId) },
      { name: STORAGE_ENV.kind, value: 's3' },
      { name: STORAGE_ENV.endpoint, value: minioClusterEndpoint(o.namespace, o.clusterDomain) },
      { name: STORAGE_ENV.bucket, value: MINIO.bucket },
      { name: STORAGE_ENV.accessKey, valueFrom: minioKey('MINIO_ROOT_USER') },
      { name: STORAGE_ENV.secretKey, valueFrom: minioKey('MINIO_ROOT_PASSWORD') },
      { name: 'GOMR_MASTER_ADDRESS', value: `0.0.0.0:${MASTER_PORT}` },
      { name: 'GOMR_MASTER_EXIT_AFTER_MS', value: String(o.masterLingerMs ?? 600_000) },
      // The master's web status page (kubectl port-forward service/gomr-master-<id> 8080).
      { name: 'GOMR_STATUS_ADDRESS', value: `0.0.0.0:${MASTER_STATUS_PORT}` },
      ...envList(o.storageEnv),
    ],
    ports: [
      { name: 'grpc', containerPort: MASTER_PORT },
      { name: 'http', containerPort: MASTER_STATUS_PORT },
    ],
    readinessProbe: { tcpSocket: { port: MASTER_PORT }, periodSeconds: 2 },
    resources: { requests: { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '64Mi' }, limits: { memory: '512Mi' } },
    securityContext: containerSecurity,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.master, namespace: o.namespace, labels },
    spec: {
      backoffLimit: MASTER_BACKOFF_LIMIT,
      podFailurePolicy: IGNORE_DISRUPTIONS,
      activeDeadlineSeconds: o.activeDeadlineSeconds ?? DEFAULT_ACTIVE_DEADLINE_S,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: podSecurity,
          ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
          containers: [container],
        },
      },
    },
  };
}

/** Workers reach the master by this Service's name. */
export function masterService(o: JobManifestOptions): V1Service {
  const labels = componentLabels('master', o.jobId);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: jobNames(o.jobId).masterService, namespace: o.namespace, labels, ...ownedBy(o) },
    spec: {
      selector: labels,
      ports: [
        { name: 'grpc', port: MASTER_PORT, targetPort: MASTER_PORT },
        { name: 'http', port: MASTER_STATUS_PORT, targetPort: MASTER_STATUS_PORT },
      ],
    },
  };
}

/**
 * Workers run as an Indexed Job: pod N is `--worker N` for `gomr logs`. A worker that fails is
 * replaced by a new pod (the master re-runs its task); one evicted or preempted too, without
 * counting against backoffLimit; a worker that exits 0 because the master said the job is over
 * stays done, where a Deployment would start it again. A worker stopped by SIGTERM before that
 * exits non-zero, so its index is not counted as complete.
 */
export function workersJob(o: JobManifestOptions): V1Job {
  const names = jobNames(o.jobId);
  const labels = componentLabels('worker', o.jobId);
  const r = o.workerResources ?? {};
  const fromSecret = (key: string) => ({ secretKeyRef: { name: names.secret, key } });
  const container: V1Container = {
    name: 'worker',
    image: o.workerImage,
    imagePullPolicy: o.imagePullPolicy ?? 'IfNotPresent',
    env: [
      { name: 'GOMR_MASTER', value: `${serviceHost(names.masterService, o.namespace, o.clusterDomain)}:${MASTER_PORT}` },
      { name: 'GOMR_TOKEN', valueFrom: fromSecret('token') },
      { name: 'GOMR_STORAGE_JSON', valueFrom: fromSecret('storage.json') },
      ...(o.separateInputStorage ? [{ name: 'GOMR_INPUT_STORAGE_JSON', valueFrom: fromSecret('input-storage.json') }] : []),
      ...(o.spillBytes ? [{ name: 'GOMR_SPILL_BYTES', value: String(o.spillBytes) }] : []),
      ...(o.executorHeapMb ? [{ name: 'GOMR_EXECUTOR_HEAP_MB', value: String(o.executorHeapMb) }] : []),
      ...envList(o.storageEnv),
    ],
    resources: {
      requests: { cpu: r.cpu ?? '500m', memory: r.memory ?? '512Mi', 'ephemeral-storage': '1Gi' },
      limits: { memory: workerMemoryLimit(r.memoryLimit, o.executorHeapMb) },
    },
    securityContext: containerSecurity,
    // Spills go to the temp directory: give it a volume of its own.
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.workers, namespace: o.namespace, labels, ...ownedBy(o) },
    spec: {
      completionMode: 'Indexed',
      completions: o.workers,
      parallelism: o.workers,
      // Failed worker pods, summed over all of them, before Kubernetes gives up.
      backoffLimit: Math.max(6, 3 * o.workers),
      podFailurePolicy: IGNORE_DISRUPTIONS,
      activeDeadlineSeconds: o.activeDeadlineSeconds ?? DEFAULT_ACTIVE_DEADLINE_S,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          securityContext: podSecurity,
          ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
          containers: [container],
          // A pod whose spills outgrow this is evicted (and replaced), not the node's disk filled.
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: o.workerTmpSize ?? DEFAULT_WORKER_TMP_SIZE } }],
        },
      },
    },
  };
}
