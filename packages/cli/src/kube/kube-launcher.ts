import { basename } from 'node:path';
import type { JobStatus__Output } from '@gomr/proto';
import { openStorage, type S3StorageConfig, type Storage } from '@gomr/storage';
import type { JobSpecInput } from '@gomr/master';
import { EXIT, GomrError } from '../errors.js';
import { resolveInputs } from '../inputs/resolve-inputs.js';
import { newJobId, newToken } from '../job/job-id.js';
import { followToEnd } from './follow-to-end.js';
import type { ImageLoader } from './image-loader.js';
import { deployJob } from './job-deploy.js';
import type { KubeApi } from './kube-api.js';
import { jobSpecKey, type JobManifestOptions } from './manifests/job-manifests.js';
import { minioClusterEndpoint, type MinioManifestOptions } from './manifests/minio-manifests.js';
import { ensureMinio, waitForMinio, type MinioCredentials } from './minio.js';
import { ensureNamespace } from './namespace.js';
import type { PortForwarder } from './port-forward.js';
import { componentLabels, MINIO, selector } from './resource-names.js';
import { uploadWithProgress } from './upload-with-progress.js';
import { placeSideFiles, resolveSideFiles } from '../job/side-files.js';
import { waitForReadyPod } from './wait-for-pod.js';

/**
 * What the launcher needs from the outside world. The parts that need a real cluster or a
 * Docker daemon (image builds, image loads, port-forward traffic) are here, so the tests can
 * run the whole API conversation against a fake API server.
 */
export interface LauncherDeps {
  api: KubeApi;
  /** Builds the two images (or finds them, by content hash); returns their names. */
  buildImages: () => Promise<{ master: string; worker: string }>;
  imageLoader: ImageLoader;
  portForwarder: PortForwarder;
  /** Checks run once the cluster answered, before anything is created (e.g. a Docker ping). */
  preflight?: () => Promise<void>;
}

export interface StartKubeJobOptions {
  inputs: string[];
  /** Side files (--file), uploaded to the job's prefix in MinIO with the inputs. */
  files?: string[];
  workers: number;
  maps: number;
  reducers: number;
  params: Record<string, string>;
  maxAttempts: number;
  heartbeatTimeoutMs: number;
  /** Skip a record or key that fails every attempt; each is written to output/_skipped/<task>.jsonl. @default false */
  skipBadRecords?: boolean;
  /** Dead-letter lines one task writes. @default 10000 */
  maxSkippedRecords?: number;
  /** For the summary. */
  workerFile: string;
  namespace: string;
  minio?: Omit<MinioManifestOptions, 'namespace'>;
  /** @default 180000 */
  minioTimeoutMs?: number;
  /** How long the master's pod may take to be ready. @default 180000 */
  podTimeoutMs?: number;
  workerResources?: JobManifestOptions['workerResources'];
  spillBytes?: number;
  /** Heap limit of each worker's executor thread, MiB (GOMR_EXECUTOR_HEAP_MB). */
  executorHeapMb?: number;
  /** Storage retry settings passed to the master and workers (storageRetryEnv). */
  storageEnv?: Record<string, string>;
  imagePullPolicy?: JobManifestOptions['imagePullPolicy'];
  imagePullSecret?: JobManifestOptions['imagePullSecret'];
  /** activeDeadlineSeconds of the master and workers Jobs. @default DEFAULT_ACTIVE_DEADLINE_S */
  activeDeadlineSeconds?: number;
  /** The cluster's DNS domain, for fully qualified Service names. @default short names */
  clusterDomain?: string;
  /** Size limit of each worker's /tmp. @default DEFAULT_WORKER_TMP_SIZE */
  workerTmpSize?: string;
  /** How long to wait for a namespace or volume claim that is being deleted. @default DELETION_WAIT_MS */
  deletionWaitMs?: number;
  /** @default a new id */
  jobId?: string;
  /** Status polling interval. @default 1000 */
  pollMs?: number;
  /** Silence of the master before its Job is looked at and the forward reopened. @default 10000 */
  silenceMs?: number;
  /** How often the worker pods are looked at while following. @default 5000 */
  workerCheckMs?: number;
  /** Progress bars go here on a terminal. */
  progress?: NodeJS.WriteStream;
  log: (line: string) => void;
  /** Aborting detaches (the job goes on) once it is deployed, and stops before that. */
  signal?: AbortSignal;
  /** Called with the id as soon as the job exists in the cluster. */
  onDeployed?: (jobId: string) => void;
}

export interface StartKubeJobResult {
  jobId: string;
  namespace: string;
  status: JobStatus__Output;
  wallMs: number;
  /** s3://gomr/jobs/<id>/output/ in the cluster's MinIO. */
  outputPrefix: string;
  images: { master: string; worker: string };
}

/** `gomr start`, step by step: namespace, MinIO, images, inputs, job, progress, cleanup. */
export async function startKubeJob(o: StartKubeJobOptions, deps: LauncherDeps): Promise<StartKubeJobResult> {
  const t0 = Date.now();
  const { api } = deps;
  const ns = o.namespace;
  const step = (n: number, text: string) => o.log(`[${n}/6] ${text}`);
  const stopIfAborted = () => {
    if (o.signal?.aborted) throw new GomrError('interrupted before the job was deployed; nothing of it runs', EXIT.INTERRUPTED);
  };

  const inputs = await resolveInputs(o.inputs);
  const sideFiles = o.files?.length ? await resolveSideFiles(o.files) : [];
  const jobId = o.jobId ?? newJobId();

  step(1, `cluster: context ${api.ctx.context} (${api.ctx.flavor}) at ${api.ctx.server}, namespace ${ns}`);
  const wait = { log: o.log, ...(o.deletionWaitMs !== undefined ? { deletionWaitMs: o.deletionWaitMs } : {}) };
  const nsResult = await ensureNamespace(api, ns, wait);
  if (nsResult === 'created') o.log(`      created namespace ${ns}`);
  await deps.preflight?.();

  step(2, 'MinIO');
  const minio = await ensureMinio(api, { namespace: ns, ...o.minio }, wait);
  o.log(minio.created.length ? `      created ${minio.created.join(', ')}` : '      reusing the running MinIO and its credentials');
  stopIfAborted();

  step(3, 'images');
  const images = await deps.buildImages();
  o.log(`      ${images.master}\n      ${images.worker}`);
  stopIfAborted();
  step(4, `loading images into ${deps.imageLoader.describe}`);
  await deps.imageLoader.load([images.master, images.worker]);
  stopIfAborted();

  o.log('      waiting for MinIO to be ready');
  const minioPod = await waitForMinio(api, ns, { timeoutMs: o.minioTimeoutMs, signal: o.signal, log: o.log }).catch((err) => {
    stopIfAborted();
    throw err;
  });
  step(5, `uploading ${inputs.length} input${inputs.length === 1 ? '' : 's'} to MinIO`);
  const token = newToken();
  const storage: S3StorageConfig = { kind: 's3', endpoint: minioClusterEndpoint(ns, o.clusterDomain), bucket: MINIO.bucket, ...minio.credentials };
  await withMinioPod(deps, ns, minioPod.metadata!.name!, minio.credentials, async (store) => {
    const keys = await uploadWithProgress(jobId, inputs, store, o.progress, o.log);
    const files = await placeSideFiles(jobId, sideFiles, { kind: 's3' }, store);
    const spec: JobSpecInput = {
      jobId,
      token,
      workerFile: basename(o.workerFile),
      inputs: inputs.map((i, n) => ({ key: keys[n]!, name: i.name, size: i.size })),
      inputStorage: storage,
      storage,
      maps: o.maps,
      reducers: o.reducers,
      params: o.params,
      maxAttempts: o.maxAttempts,
      heartbeatTimeoutMs: o.heartbeatTimeoutMs,
      ...(o.skipBadRecords ? { skipBadRecords: true } : {}),
      ...(o.maxSkippedRecords !== undefined ? { maxSkippedRecords: o.maxSkippedRecords } : {}),
      ...(files.length ? { files } : {}),
    };
    // In MinIO, not in a Secret (1 MiB at most: a few thousand inputs): the master reads it
    // there, and so does a master restarted after a failure.
    await store.put(jobSpecKey(jobId), JSON.stringify(spec));
  });
  stopIfAborted();

  step(6, `running job ${jobId}: 1 master, ${o.workers} worker${o.workers === 1 ? '' : 's'}`);
  await deployJob(
    api,
    {
      namespace: ns, jobId, masterImage: images.master, workerImage: images.worker, workers: o.workers,
      workerResources: o.workerResources, spillBytes: o.spillBytes, executorHeapMb: o.executorHeapMb, imagePullPolicy: o.imagePullPolicy, storageEnv: o.storageEnv,
      ...(o.imagePullSecret ? { imagePullSecret: o.imagePullSecret } : {}),
      activeDeadlineSeconds: o.activeDeadlineSeconds, clusterDomain: o.clusterDomain, workerTmpSize: o.workerTmpSize,
    },
    { storageJson: JSON.stringify(storage), token },
  );
  o.onDeployed?.(jobId);

  const status = await followToEnd({
    api, forwarder: deps.portForwarder, namespace: ns, jobId, progress: o.progress, signal: o.signal, pollMs: o.pollMs, podTimeoutMs: o.podTimeoutMs, log: o.log,
    silenceMs: o.silenceMs, workerCheckMs: o.workerCheckMs,
  });
  const result = { jobId, namespace: ns, status, wallMs: Date.now() - t0, outputPrefix: `s3://${MINIO.bucket}/jobs/${jobId}/output/`, images };
  return result;
}

/** Opens MinIO through a port-forward to its pod, runs `use`, and closes both. */
export async function withMinio<T>(
  deps: Pick<LauncherDeps, 'api' | 'portForwarder'>,
  namespace: string,
  credentials: MinioCredentials,
  podTimeoutMs: number | undefined,
  use: (storage: Storage) => Promise<T>,
): Promise<T> {
  const pod = await waitForReadyPod(deps.api, namespace, selector(componentLabels('minio')), { what: 'MinIO', timeoutMs: podTimeoutMs });
  return withMinioPod(deps, namespace, pod.metadata!.name!, credentials, use);
}

/** Opens MinIO through a port-forward to the given (ready) MinIO pod, runs `use`, closes both. */
export async function withMinioPod<T>(
  deps: Pick<LauncherDeps, 'portForwarder'>,
  namespace: string,
  pod: string,
  credentials: MinioCredentials,
  use: (storage: Storage) => Promise<T>,
): Promise<T> {
  const forward = await deps.portForwarder.open(namespace, pod, MINIO.port);
  let storage: Storage | undefined;
  try {
    storage = await openStorage({ kind: 's3', endpoint: `http://127.0.0.1:${forward.localPort}`, bucket: MINIO.bucket, ...credentials }).catch((err: Error) => {
      throw new GomrError(`cannot open MinIO through a port-forward to ${pod}: ${err.message}`, EXIT.STORAGE);
    });
    return await use(storage);
  } finally {
    await storage?.close();
    await forward.close();
  }
}
