/**
 * `gomr status`, `gomr jobs` and `gomr ui` on Kubernetes: a job's snapshot live from its
 * master's status page (port 8080 of its pod, through a port-forward), else from the summary
 * it saved in the namespace's MinIO (through a port-forward, with the credentials in MinIO's
 * Secret). The rendering is the local commands' own (format-status.ts).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { JobSnapshot } from '@gomr/master';
import type { S3StorageConfig, Storage } from '@gomr/storage';
import { ClusterError, GomrError, RuntimeError, UsageError } from '../errors.js';
import { listSavedJobs, sortJobs, type JobListing } from '../job/list-jobs.js';
import { checkJobId, fetchLiveSnapshot, readSavedSnapshot, type SnapshotSource } from '../job/load-job-snapshot.js';
import { listClusterJobs, masterSelector, type ClusterJob } from './find-job.js';
import { kubeCall, type KubeApi } from './kube-api.js';
import { withMinioPod } from './kube-launcher.js';
import { readMinioCredentials } from './minio.js';
import { podReady } from './pod-diagnosis.js';
import type { Forward, PortForwarder } from './port-forward.js';
import { componentLabels, MASTER_STATUS_PORT, MINIO, selector } from './resource-names.js';

export interface KubeStatusDeps {
  api: KubeApi;
  forwarder: PortForwarder;
  namespace: string;
}

/** The pod of a job's master while it runs (phase Running), else undefined. */
export async function runningMasterPod(deps: KubeStatusDeps, jobId: string): Promise<V1Pod | undefined> {
  const pods = (
    await kubeCall(deps.api, `listing the master pod of job ${jobId}`, () =>
      deps.api.core.listNamespacedPod({ namespace: deps.namespace, labelSelector: masterSelector(jobId) }),
    )
  ).items;
  const running = pods.filter((p) => p.status?.phase === 'Running');
  return running.find(podReady) ?? running[0];
}

/** An open port-forward to a master's status page, and the local URL it gives. */
export interface StatusForward {
  pod: string;
  url: string;
  forward: Forward;
}

/** Forwards a local port to the status port (8080) of a job's running master; null if none runs. */
export async function forwardStatusPage(deps: KubeStatusDeps, jobId: string, localPort = 0): Promise<StatusForward | null> {
  const pod = await runningMasterPod(deps, jobId);
  if (!pod) return null;
  const name = pod.metadata!.name!;
  const forward = await deps.forwarder.open(deps.namespace, name, MASTER_STATUS_PORT, localPort);
  return { pod: name, url: `http://127.0.0.1:${forward.localPort}/`, forward };
}

/** How long the status page may take to answer through a port-forward. */
function liveTimeoutMs(api: KubeApi): number {
  return api.requestTimeoutMs > 0 ? api.requestTimeoutMs : 15_000;
}

/** The snapshot a job's running master serves, or null when none runs or it does not answer. */
export async function liveKubeSnapshot(deps: KubeStatusDeps, jobId: string): Promise<{ snapshot: JobSnapshot; pod: string } | null> {
  const page = await forwardStatusPage(deps, jobId);
  if (!page) return null;
  try {
    const snapshot = await fetchLiveSnapshot(page.url, jobId, liveTimeoutMs(deps.api));
    return snapshot ? { snapshot, pod: page.pod } : null;
  } finally {
    await page.forward.close();
  }
}

/** The ready MinIO pod of the namespace, or undefined. */
async function readyMinioPod(deps: KubeStatusDeps): Promise<string | undefined> {
  const pods = (
    await kubeCall(deps.api, 'listing the MinIO pod', () =>
      deps.api.core.listNamespacedPod({ namespace: deps.namespace, labelSelector: selector(componentLabels('minio')) }),
    )
  ).items;
  return pods.find(podReady)?.metadata?.name;
}

/** Why the saved summaries cannot be read, when they cannot. */
export type MinioAbsence = 'no-minio' | 'not-running';

/**
 * Runs `use` on the namespace's MinIO, reached through a port-forward to its pod. Returns the
 * reason instead when gomr never set MinIO up there (no credentials Secret), or its pod does
 * not run (gomr down deletes MinIO's Deployment but keeps its data).
 */
export async function withClusterMinio<T>(deps: KubeStatusDeps, use: (storage: Storage) => Promise<T>): Promise<{ value: T } | { absent: MinioAbsence }> {
  const credentials = await readMinioCredentials(deps.api, deps.namespace);
  if (!credentials) return { absent: 'no-minio' };
  const pod = await readyMinioPod(deps);
  if (!pod) return { absent: 'not-running' };
  return { value: await withMinioPod({ portForwarder: deps.forwarder }, deps.namespace, pod, credentials, use) };
}

/**
 * Like withClusterMinio, for a user that needs the store's config rather than an open store (a
 * child process opens it: gomr replay): an S3 config naming the local end of a port-forward to
 * the MinIO pod, open while `use` runs.
 */
export async function withClusterMinioConfig<T>(deps: KubeStatusDeps, use: (config: S3StorageConfig) => Promise<T>): Promise<{ value: T } | { absent: MinioAbsence }> {
  const credentials = await readMinioCredentials(deps.api, deps.namespace);
  if (!credentials) return { absent: 'no-minio' };
  const pod = await readyMinioPod(deps);
  if (!pod) return { absent: 'not-running' };
  const forward = await deps.forwarder.open(deps.namespace, pod, MINIO.port);
  try {
    return { value: await use({ kind: 's3', endpoint: `http://127.0.0.1:${forward.localPort}`, bucket: MINIO.bucket, ...credentials }) };
  } finally {
    await forward.close();
  }
}

/** Where the saved summaries live, for messages and `source.store`. */
export function minioStore(namespace: string): string {
  return `s3://${MINIO.bucket} in the MinIO of namespace ${namespace}`;
}

/** The job `gomr status` / `gomr ui` mean without a JOB: the newest master in the namespace. */
export async function newestClusterJob(deps: KubeStatusDeps, running = false): Promise<string> {
  const jobs = (await listClusterJobs(deps.api, deps.namespace)).filter((j) => !running || j.master === 'running');
  if (!jobs.length) {
    const what = running ? 'no gomr job is running' : 'no gomr job has a master';
    throw new UsageError(`${what} in namespace ${deps.namespace}; gomr jobs --kube -n ${deps.namespace} lists the jobs there`);
  }
  return jobs[0]!.jobId;
}

export interface KubeSnapshot {
  jobId: string;
  snapshot: JobSnapshot;
  source: SnapshotSource;
}

/**
 * `gomr status JOB` on Kubernetes: live from the job's master through a port-forward to its
 * status port, else from jobs/<JOB>/summary.json in the namespace's MinIO.
 */
export async function loadKubeJobSnapshot(deps: KubeStatusDeps, jobId: string, o: { live?: boolean } = {}): Promise<KubeSnapshot> {
  checkJobId(jobId);
  const ns = deps.namespace;
  if (o.live !== false) {
    const live = await liveKubeSnapshot(deps, jobId);
    if (live) return { jobId, snapshot: live.snapshot, source: { kind: 'live', pod: live.pod, namespace: ns, context: deps.api.ctx.context } };
  }
  const saved = await withClusterMinio(deps, (storage) => readSavedSnapshot(storage, jobId));
  if ('value' in saved && saved.value) return { jobId, snapshot: saved.value, source: { kind: 'summary', store: minioStore(ns) } };
  const master = (await listClusterJobs(deps.api, ns)).find((j) => j.jobId === jobId);
  throw noSnapshotError(ns, jobId, master, 'absent' in saved ? saved.absent : undefined);
}

function noSnapshotError(ns: string, jobId: string, master: ClusterJob | undefined, absent: MinioAbsence | undefined): GomrError {
  const minio =
    absent === 'no-minio'
      ? `gomr has no MinIO in namespace ${ns}`
      : absent === 'not-running'
        ? `MinIO does not run in namespace ${ns}, so saved summaries cannot be read (gomr start starts it again; its data was kept)`
        : `it has no summary in ${minioStore(ns)}`;
  if (!master) {
    return new UsageError(`no job ${jobId} in namespace ${ns}: no master, and ${minio}; gomr jobs --kube -n ${ns} lists the jobs there`);
  }
  const message =
    master.master === 'running'
      ? `the master of job ${jobId} in namespace ${ns} does not answer on its status port ${MASTER_STATUS_PORT} (starting, or stuck), and ${minio}; see gomr logs ${jobId} -n ${ns}`
      : `the master of job ${jobId} in namespace ${ns} has ${master.master === 'failed' ? 'failed' : 'ended'}, and ${minio}; see gomr logs ${jobId} -n ${ns}`;
  // MinIO not running is the cluster's failing; a master that neither answers nor left a summary, the runtime's.
  return absent === 'not-running' ? new ClusterError(message) : new RuntimeError(message);
}

export interface KubeJobList {
  jobs: JobListing[];
  /** Set when past jobs could not be listed (MinIO absent or not running). */
  note?: string;
}

/**
 * `gomr jobs` on Kubernetes: the jobs that saved a summary in the namespace's MinIO, and the
 * jobs whose master Job is in the namespace (label selector), running ones live from their
 * masters; newest first.
 */
export async function listKubeJobs(deps: KubeStatusDeps, nowMs = Date.now()): Promise<KubeJobList> {
  const ns = deps.namespace;
  const masters = await listClusterJobs(deps.api, ns);
  const saved = await withClusterMinio(deps, (storage) => listSavedJobs(storage));
  const found = 'value' in saved ? saved.value : new Map<string, JobListing>();
  const note =
    'absent' in saved && saved.absent === 'not-running'
      ? `MinIO does not run in namespace ${ns}: jobs that have ended are not listed (gomr start starts it again; its data was kept)`
      : undefined;
  for (const m of masters) {
    if (found.has(m.jobId)) continue;
    const startedMs = Date.parse(m.createdAt);
    const base = { id: m.jobId, workerFile: '', inputs: [] as JobListing['inputs'], startedMs, finishedMs: 0, durationMs: Math.max(nowMs - startedMs, 0) };
    if (m.master !== 'running') {
      found.set(m.jobId, { ...base, state: 'STOPPED', durationMs: 0, source: 'cluster' });
      continue;
    }
    const live = await liveKubeSnapshot(deps, m.jobId).catch(() => null);
    if (live) {
      const s = live.snapshot;
      found.set(m.jobId, {
        id: m.jobId, workerFile: s.workerFile, inputs: s.inputs.map((i) => ({ name: i.name, size: i.size })), state: s.state,
        startedMs: s.startedMs, finishedMs: s.finishedMs, durationMs: s.elapsedMs, source: 'live', pod: live.pod,
      });
    } else {
      const pod = await runningMasterPod(deps, m.jobId).catch(() => undefined);
      found.set(m.jobId, { ...base, state: pod ? 'RUNNING' : 'PENDING', source: 'cluster', ...(pod ? { pod: pod.metadata!.name! } : {}) });
    }
  }
  return { jobs: sortJobs([...found.values()]), ...(note ? { note } : {}) };
}
