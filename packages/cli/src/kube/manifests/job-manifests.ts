import type { V1Container, V1EnvVar, V1Job, V1PodSecurityContext, V1Secret, V1SecurityContext, V1Service } from '@kubernetes/client-node';
import { STORAGE_RETRY_ENV } from '@gomr/storage';
import { componentLabels, jobNames, MASTER_PORT, MASTER_STATUS_PORT } from '../resource-names.js';
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
  /** The master's job spec (JSON; holds the storage credentials, hence a Secret). */
  specJson: string;
  /** The workers' storage config (JSON). */
  storageJson: string;
  /** The job's gRPC token, shared by master and workers. */
  token: string;
}

/** Where the spec is mounted in the master's pod. */
export const SPEC_MOUNT_DIR = '/etc/gomr';

const podSecurity: V1PodSecurityContext = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 };
const containerSecurity: V1SecurityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

export function jobSecret(namespace: string, jobId: string, data: JobSecretData): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: jobNames(jobId).secret, namespace, labels: componentLabels('master', jobId) },
    type: 'Opaque',
    stringData: { 'spec.json': data.specJson, 'storage.json': data.storageJson, token: data.token },
  };
}

/**
 * The master runs as a Job of one pod that is never restarted: its state lives in memory, so
 * a second master would start the job over. The pod completes `masterLingerMs` after the job.
 */
export function masterJob(o: JobManifestOptions): V1Job {
  const names = jobNames(o.jobId);
  const labels = componentLabels('master', o.jobId);
  const container: V1Container = {
    name: 'master',
    image: o.masterImage,
    imagePullPolicy: o.imagePullPolicy ?? 'IfNotPresent',
    env: [
      { name: 'GOMR_JOB_SPEC', value: `${SPEC_MOUNT_DIR}/spec.json` },
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
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    securityContext: containerSecurity,
    volumeMounts: [{ name: 'spec', mountPath: SPEC_MOUNT_DIR, readOnly: true }],
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.master, namespace: o.namespace, labels },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          securityContext: podSecurity,
          ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
          containers: [container],
          volumes: [{ name: 'spec', secret: { secretName: names.secret, items: [{ key: 'spec.json', path: 'spec.json' }] } }],
        },
      },
    },
  };
}

/** Workers reach the master by this Service's name. */
export function masterService(namespace: string, jobId: string): V1Service {
  const labels = componentLabels('master', jobId);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: jobNames(jobId).masterService, namespace, labels },
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
 * Workers run as an Indexed Job: pod N is `--worker N` for `gomr logs`, a crashed worker is
 * restarted in place (the master re-runs its task), and a worker that exits 0 because the job
 * is over stays done, where a Deployment would start it again.
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
      { name: 'GOMR_MASTER', value: `${names.masterService}:${MASTER_PORT}` },
      { name: 'GOMR_TOKEN', valueFrom: fromSecret('token') },
      { name: 'GOMR_STORAGE_JSON', valueFrom: fromSecret('storage.json') },
      ...(o.spillBytes ? [{ name: 'GOMR_SPILL_BYTES', value: String(o.spillBytes) }] : []),
      ...(o.executorHeapMb ? [{ name: 'GOMR_EXECUTOR_HEAP_MB', value: String(o.executorHeapMb) }] : []),
      ...envList(o.storageEnv),
    ],
    resources: {
      requests: { cpu: r.cpu ?? '500m', memory: r.memory ?? '512Mi' },
      limits: { memory: workerMemoryLimit(r.memoryLimit, o.executorHeapMb) },
    },
    securityContext: containerSecurity,
    // Spills go to the temp directory: give it a volume of its own.
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.workers, namespace: o.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: o.workers,
      parallelism: o.workers,
      // Restarts of crashed workers, summed over all of them, before Kubernetes gives up.
      backoffLimit: Math.max(6, 3 * o.workers),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'OnFailure',
          securityContext: podSecurity,
          ...(o.imagePullSecret ? { imagePullSecrets: [{ name: o.imagePullSecret }] } : {}),
          containers: [container],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}
