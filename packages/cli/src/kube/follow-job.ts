import { setTimeout as sleep } from 'node:timers/promises';
import { MasterConnection, type JobStatus__Output } from '@gomr/proto';
import { isFinalJobState } from '@gomr/storage';
import { InterruptedError, RuntimeError } from '../errors.js';
import type { ProgressDisplay } from '../progress/progress-display.js';
import { ClusterUnreachableError, kubeCall, type KubeApi } from './kube-api.js';
import { readMasterJobState, type MasterJobState } from './master-state.js';
import type { PortForwarder } from './port-forward.js';
import { componentLabels, MASTER_PORT, selector } from './resource-names.js';
import { waitForReadyPod } from './wait-for-pod.js';
import { WorkerWatch } from './worker-watch.js';

export interface FollowJobOptions {
  api: KubeApi;
  forwarder: PortForwarder;
  namespace: string;
  jobId: string;
  display: ProgressDisplay;
  /** Aborting detaches: the job goes on in the cluster. */
  signal?: AbortSignal;
  /** @default 1000 */
  pollMs?: number;
  /** How long the master may stay silent before we look at its pod and reopen the forward. @default 10000 */
  silenceMs?: number;
  /** How long the master's first pod may take to be ready. @default 180000 */
  podTimeoutMs?: number;
  /** What goes wrong on the way (a lost forward, stuck worker pods), one line each. */
  log?: (line: string) => void;
  /** How often the worker pods are looked at. @default 5000 */
  workerCheckMs?: number;
}

/** Thrown when following stops because the user detached; the job goes on. */
export class DetachedError extends InterruptedError {
  constructor(readonly jobId: string, readonly namespace: string) {
    super(
      `detached; job ${jobId} goes on in namespace ${namespace}. Re-attach: gomr attach ${jobId} -n ${namespace}; logs: gomr logs ${jobId} -f -n ${namespace}`,
    );
  }
}

/** The master Job has ended (or is gone) without the CLI seeing the job's end. */
export class MasterEndedError extends RuntimeError {
  constructor(readonly jobId: string, readonly state: Exclude<MasterJobState, 'active'>, message: string, detail?: string) {
    super(message, detail);
  }
}

/**
 * Follows a job through the master's status API (GetStatus) over a port-forward to the
 * master's pod, until it succeeds or fails. Returns the final status.
 *
 * A master that stops answering is not taken for dead: the cluster is asked about its Job.
 * While the Job is active (its pod runs, or a failed pod is being replaced and the new master
 * resumes), the forward is reopened, to whichever pod is the master now, and following goes on;
 * a cluster that does not answer either (a laptop asleep, a VPN blip, an API server restarting)
 * is waited for. Only a master Job that has ended or is gone ends the following
 * (MasterEndedError). Worker pods are watched meanwhile (WorkerWatch).
 */
export async function followJob(o: FollowJobOptions): Promise<JobStatus__Output> {
  const masterSelector = selector(componentLabels('master', o.jobId));
  const detached = () => new DetachedError(o.jobId, o.namespace);
  const log = o.log ?? (() => {});
  const workers = new WorkerWatch({ api: o.api, namespace: o.namespace, jobId: o.jobId, log, everyMs: o.workerCheckMs });
  const silenceMs = o.silenceMs ?? 10_000;
  let first = true;
  let silent = false;
  let told = false;
  let unreachableTold = false;
  try {
    for (;;) {
      if (o.signal?.aborted) throw detached();
      const ended = await masterEnded(o).catch((err) => (err instanceof ClusterUnreachableError ? undefined : Promise.reject(err)));
      if (ended) throw ended;
      // Once per silence, however long it lasts (a laptop asleep for an hour).
      if (silent && !told) log(`      no answer from the master of job ${o.jobId} for ${Math.round(silenceMs / 1000)} s; its Job is active: reopening the port-forward`);
      told ||= silent;
      let pod;
      try {
        pod = await waitForReadyPod(o.api, o.namespace, masterSelector, {
          what: `the master of job ${o.jobId}`,
          // After the first pod, a master being replaced is waited for as long as its Job is active.
          timeoutMs: first ? o.podTimeoutMs : Number.MAX_SAFE_INTEGER,
          signal: o.signal, log, ownerName: (name) => name === `gomr-master-${o.jobId}`,
          check: async () => {
            const e = await masterEnded(o);
            if (e) throw e;
          },
        });
      } catch (err) {
        if (o.signal?.aborted) throw detached();
        if (err instanceof ClusterUnreachableError) {
          // Nothing is removed because the cluster does not answer: wait for it.
          if (!unreachableTold) log(`      ${err.message}; still trying (Ctrl-C detaches)`);
          unreachableTold = true;
          await pause(o, silenceMs);
          continue;
        }
        throw err;
      }
      unreachableTold = false;
      first = false;
      const result = await followPod(o, pod.metadata!.name!, workers, silenceMs, () => (told = silent = false));
      if (result) return result;
      silent = true;
    }
  } finally {
    o.display.stop();
  }
}

/**
 * GetStatus through one forward to one pod until the job ends (its status), or the master
 * has been silent for `silenceMs` (undefined). A fatal problem of the workers throws.
 */
async function followPod(
  o: FollowJobOptions,
  pod: string,
  workers: WorkerWatch,
  silenceMs: number,
  onContact: () => void,
): Promise<JobStatus__Output | undefined> {
  let forward;
  try {
    forward = await o.forwarder.open(o.namespace, pod, MASTER_PORT);
  } catch {
    await pause(o, o.pollMs ?? 1000);
    return undefined;
  }
  const master = new MasterConnection(`127.0.0.1:${forward.localPort}`, { deadlineMs: 5000 });
  let lastContact = Date.now();
  let status: JobStatus__Output | undefined;
  try {
    for (;;) {
      if (o.signal?.aborted) throw new DetachedError(o.jobId, o.namespace);
      const answer = await master.getStatus().catch((err: Error) => err);
      if (!(answer instanceof Error)) {
        lastContact = Date.now();
        onContact();
        status = answer;
        o.display.update(answer);
        if (isFinalJobState(answer.state)) return answer;
      } else if (Date.now() - lastContact > silenceMs) {
        return undefined;
      }
      const stuck = await workers.check(status).catch((err) => (err instanceof ClusterUnreachableError ? undefined : Promise.reject(err)));
      if (stuck) throw stuck;
      await sleep(o.pollMs ?? 1000, undefined, { signal: o.signal }).catch(() => {});
    }
  } finally {
    master.close();
    await forward.close();
  }
}

async function pause(o: FollowJobOptions, ms: number): Promise<void> {
  await sleep(ms, undefined, { signal: o.signal }).catch(() => {});
  if (o.signal?.aborted) throw new DetachedError(o.jobId, o.namespace);
}

/** A MasterEndedError when the master Job has ended or is gone, with its pod's last log lines. */
async function masterEnded(o: FollowJobOptions): Promise<MasterEndedError | undefined> {
  const { state, reason } = await readMasterJobState(o.api, o.namespace, o.jobId);
  if (state === 'active') return undefined;
  const masterSelector = selector(componentLabels('master', o.jobId));
  const pods = (await kubeCall(o.api, 'listing the master pod', () => o.api.core.listNamespacedPod({ namespace: o.namespace, labelSelector: masterSelector })).catch(() => ({ items: [] }))).items;
  const pod = pods.sort((a, b) => String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')))[0];
  const name = pod?.metadata?.name;
  const tail = name
    ? await o.api.core
        .readNamespacedPodLog({ name, namespace: o.namespace, tailLines: 20 })
        .then((t) => String(t).trim())
        .catch(() => '')
    : '';
  const what =
    state === 'gone' ? 'its master Job was deleted' : state === 'failed' ? `its master Job failed${reason ? ` (${reason})` : ''}` : 'its master has exited';
  return new MasterEndedError(o.jobId, state, `lost job ${o.jobId}: ${what} (pod ${name ?? 'missing'}, ${pod?.status?.phase ?? 'gone'})`, tail || undefined);
}
