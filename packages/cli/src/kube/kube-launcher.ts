import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { JobStatus__Output } from '@gomr/proto';
import { jobKeys, openStorage, type S3StorageConfig, type Storage } from '@gomr/storage';
import type { JobSpecInput } from '@gomr/master';
import { InterruptedError, StorageError, UsageError } from '../errors.js';
import { resolveInputs } from '../inputs/resolve-inputs.js';
import { isS3Url, resolveOnlyS3Inputs, type S3Access } from '../inputs/resolve-s3-inputs.js';
import { jobSpecFields, type JobFlagOptions } from '../job/job-flags.js';
import { newJobId, newToken } from '../job/job-id.js';
import { followToEnd } from './follow-to-end.js';
import type { ImageLoader } from './image-loader.js';
import { deployJob } from './job-deploy.js';
import type { KubeApi } from './kube-api.js';
import type { JobManifestOptions } from './manifests/job-manifests.js';
import { minioClusterEndpoint, type MinioManifestOptions } from './manifests/minio-manifests.js';
import { ensureMinio, waitForMinio, type MinioCredentials } from './minio.js';
import { ensureNamespace } from './namespace.js';
import type { PortForwarder } from './port-forward.js';
import { componentLabels, MINIO, selector } from './resource-names.js';
import { uploadWithProgress } from './upload-with-progress.js';
import { placeSideFiles, resolveSideFiles } from '../job/side-files.js';
import { gomrHome } from '../job/gomr-home.js';
import { sampleTotalOrder } from '../job/total-order-sample.js';
import { waitForReadyPod } from './wait-for-pod.js';

/**
 * What the launcher needs from the outside world. The parts that need a real cluster or a
 * Docker daemon (image builds, image loads, port-forward traffic) are here, so the tests can
 * run the whole API conversation against a fake API server.
 */
export interface LauncherDeps {
  api: KubeApi;
  /** Builds the two images (or finds them, by content hash); returns their names. */
  /** workerBundle: the bundled worker file in the worker image, copied to the store for gomr replay. */
  buildImages: () => Promise<{ master: string; worker: string; workerBundle?: string }>;
  imageLoader: ImageLoader;
  portForwarder: PortForwarder;
  /** Checks run once the cluster answered, before anything is created (e.g. a Docker ping). */
  preflight?: () => Promise<void>;
}

/** sortTotal: the local inputs are sampled on this machine for the key ranges, as `gomr run` does. */
export interface StartKubeJobOptions extends Partial<Omit<JobFlagOptions, 'inputs' | 'reducers' | 'params' | 'maxAttempts' | 'heartbeatTimeoutMs'>> {
  /** Local files, directories and globs (uploaded), or s3:// URLs (read in place). */
  inputs: string[];
  /**
   * s3:// inputs outside the cluster's MinIO: the endpoint (which the pods must reach too) and
   * credentials. Without an endpoint, s3:// inputs name buckets of the cluster's MinIO.
   */
  s3Access?: S3Access;
  workers: number;
  maps: number;
  reducers: number;
  /** A job of steps: each step's reduce count (see planSteps); absent for a job of one step. */
  steps?: { reducers: number }[];
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

function isLoopback(endpoint: string): boolean {
  const host = new URL(endpoint).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** `gomr start`, step by step: namespace, MinIO, images, inputs, job, progress, cleanup. */
export async function startKubeJob(o: StartKubeJobOptions, deps: LauncherDeps): Promise<StartKubeJobResult> {
  const t0 = Date.now();
  const { api } = deps;
  const ns = o.namespace;
  const step = (n: number, text: string) => o.log(`[${n}/6] ${text}`);
  const stopIfAborted = () => {
    if (o.signal?.aborted) throw new InterruptedError('interrupted before the job was deployed; nothing of it runs');
  };

  if (!Number.isInteger(o.reducers) || o.reducers < 0) throw new UsageError('--reducers must be 0 (a map-only job) or more');
  const s3 = o.inputs.some(isS3Url);
  // Inputs outside the cluster are listed now, before anything is created; those in the
  // cluster's MinIO once it runs.
  const external = s3 && o.s3Access?.endpoint ? await resolveOnlyS3Inputs(o.inputs, o.s3Access) : undefined;
  if (external && isLoopback(external.config.endpoint)) {
    o.log(`note: --s3-endpoint ${external.config.endpoint} is this machine's loopback; pods reach it only on a cluster that shares this machine's network`);
  }
  if (o.sortTotal && o.reducers === 0) throw new UsageError('--sort total needs reducers: a map-only job (--reducers 0) writes its map output unsorted');
  if (o.sortTotal && s3) throw new UsageError('--sort total samples local inputs only; s3:// inputs cannot be sampled yet');
  const inputs = s3 ? [] : await resolveInputs(o.inputs);
  const sideFiles = o.files?.length ? await resolveSideFiles(o.files) : [];
  const jobId = o.jobId ?? newJobId();
  // Cut points before anything is created: the sample runs the mapper on this machine.
  const totalOrder = o.sortTotal
    ? await sampleTotalOrder({
        workerFile: o.workerFile, inputs, maps: o.maps, reducers: o.reducers, params: o.params, files: sideFiles,
        dir: join(gomrHome(), 'samples', jobId), log: o.log,
      })
    : undefined;

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
  const token = newToken();
  const storage: S3StorageConfig = { kind: 's3', endpoint: minioClusterEndpoint(ns, o.clusterDomain), bucket: MINIO.bucket, ...minio.credentials };
  let inputStorage: S3StorageConfig = storage;
  await withMinioPod(deps, ns, minioPod.metadata!.name!, minio.credentials, async (store, forwardedEndpoint) => {
    let specInputs: JobSpecInput['inputs'];
    if (s3) {
      const listed = external ?? (await resolveOnlyS3Inputs(o.inputs, { endpoint: forwardedEndpoint, ...minio.credentials }));
      // The pods reach the cluster's MinIO at its Service, not through this machine's forward.
      inputStorage = external ? listed.config : { ...listed.config, endpoint: storage.endpoint };
      const where = external ? listed.config.endpoint : "the cluster's MinIO";
      step(5, `inputs: ${listed.inputs.length} object${listed.inputs.length === 1 ? '' : 's'} in s3://${listed.config.bucket} at ${where}, read in place (nothing uploaded)`);
      specInputs = listed.inputs;
    } else {
      step(5, `uploading ${inputs.length} input${inputs.length === 1 ? '' : 's'} to MinIO`);
      const keys = await uploadWithProgress(jobId, inputs, store, o.progress, o.log);
      specInputs = inputs.map((i, n) => ({ key: keys[n]!, name: i.name, size: i.size }));
    }
    const files = await placeSideFiles(jobId, sideFiles, { kind: 's3' }, store);
    const spec: JobSpecInput = {
      jobId,
      token,
      workerFile: basename(o.workerFile),
      inputs: specInputs,
      inputStorage,
      storage,
      maps: o.maps,
      ...jobSpecFields(o),
      // A job of steps: step 1's reduce count, and each step's.
      ...(o.steps ? { reducers: o.steps[0]!.reducers, steps: o.steps } : {}),
      ...(files.length ? { files } : {}),
      ...totalOrder,
    };
    // In MinIO, not in a Secret (1 MiB at most: a few thousand inputs): the master reads it
    // there, and so does a master restarted after a failure.
    await store.put(jobKeys.spec(jobId), JSON.stringify(spec));
    // What gomr replay runs a failed task with, on a machine that did not build the image.
    if (images.workerBundle) await store.put(jobKeys.bundle(jobId), await readFile(images.workerBundle));
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
      separateInputStorage: inputStorage !== storage,
    },
    { storageJson: JSON.stringify(storage), token, ...(inputStorage !== storage ? { inputStorageJson: JSON.stringify(inputStorage) } : {}) },
  );
  o.onDeployed?.(jobId);

  const status = await followToEnd({
    api, forwarder: deps.portForwarder, namespace: ns, jobId, progress: o.progress, signal: o.signal, pollMs: o.pollMs, podTimeoutMs: o.podTimeoutMs, log: o.log,
    silenceMs: o.silenceMs, workerCheckMs: o.workerCheckMs,
  });
  const result = { jobId, namespace: ns, status, wallMs: Date.now() - t0, outputPrefix: `s3://${MINIO.bucket}/${jobKeys.output(jobId)}`, images };
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
  use: (storage: Storage, forwardedEndpoint: string) => Promise<T>,
): Promise<T> {
  const forward = await deps.portForwarder.open(namespace, pod, MINIO.port);
  const endpoint = `http://127.0.0.1:${forward.localPort}`;
  let storage: Storage | undefined;
  try {
    storage = await openStorage({ kind: 's3', endpoint, bucket: MINIO.bucket, ...credentials }).catch((err: Error) => {
      throw new StorageError(`cannot open MinIO through a port-forward to ${pod}: ${err.message}`);
    });
    return await use(storage, endpoint);
  } finally {
    await storage?.close();
    await forward.close();
  }
}
