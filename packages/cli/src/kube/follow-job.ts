import { setTimeout as sleep } from 'node:timers/promises';
import { MasterConnection, type JobStatus__Output } from '@gomr/proto';
import { EXIT, GomrError } from '../errors.js';
import type { ProgressDisplay } from '../progress/progress-display.js';
import { kubeCall, type KubeApi } from './kube-api.js';
import type { PortForwarder } from './port-forward.js';
import { componentLabels, MASTER_PORT, selector } from './resource-names.js';
import { waitForReadyPod } from './wait-for-pod.js';

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
  /** How long the master may stay silent before we look at its pod. @default 30000 */
  silenceMs?: number;
  /** @default 180000 */
  podTimeoutMs?: number;
}

/** Thrown when following stops because the user detached; the job goes on. */
export class DetachedError extends GomrError {
  constructor(readonly jobId: string, readonly namespace: string) {
    super(
      `detached; job ${jobId} goes on in namespace ${namespace}. Re-attach: gomr attach ${jobId} -n ${namespace}; logs: gomr logs ${jobId} -f -n ${namespace}`,
      EXIT.INTERRUPTED,
    );
  }
}

/**
 * Follows a job through the master's status API (GetStatus) over a port-forward to the
 * master's pod, until it succeeds or fails. Returns the final status.
 */
export async function followJob(o: FollowJobOptions): Promise<JobStatus__Output> {
  const masterSelector = selector(componentLabels('master', o.jobId));
  const detached = () => new DetachedError(o.jobId, o.namespace);
  let pod;
  try {
    pod = await waitForReadyPod(o.api, o.namespace, masterSelector, { what: `the master of job ${o.jobId}`, timeoutMs: o.podTimeoutMs, signal: o.signal });
  } catch (err) {
    if (o.signal?.aborted) throw detached();
    throw err;
  }
  const forward = await o.forwarder.open(o.namespace, pod.metadata!.name!, MASTER_PORT);
  const master = new MasterConnection(`127.0.0.1:${forward.localPort}`, { deadlineMs: 5000 });
  let lastContact = Date.now();
  try {
    for (;;) {
      if (o.signal?.aborted) throw detached();
      const status = await master.getStatus().catch((err: Error) => err);
      if (!(status instanceof Error)) {
        lastContact = Date.now();
        o.display.update(status);
        if (status.state === 'SUCCEEDED' || status.state === 'FAILED') return status;
      } else if (Date.now() - lastContact > (o.silenceMs ?? 30_000)) {
        throw await masterGone(o, masterSelector, status);
      }
      await sleep(o.pollMs ?? 1000, undefined, { signal: o.signal }).catch(() => {});
    }
  } finally {
    master.close();
    o.display.stop();
    await forward.close();
  }
}

/** The master stopped answering: say what happened to its pod, with its last log lines. */
async function masterGone(o: FollowJobOptions, masterSelector: string, last: Error): Promise<GomrError> {
  const pods = (await kubeCall(o.api, 'listing the master pod', () => o.api.core.listNamespacedPod({ namespace: o.namespace, labelSelector: masterSelector }))).items;
  const pod = pods[0];
  const name = pod?.metadata?.name;
  const phase = pod?.status?.phase ?? 'gone';
  let tail = '';
  if (name) {
    tail = await o.api.core
      .readNamespacedPodLog({ name, namespace: o.namespace, tailLines: 20 })
      .then((t) => String(t).trim())
      .catch(() => '');
  }
  return new GomrError(
    `lost contact with the master of job ${o.jobId} (pod ${name ?? 'missing'}, ${phase}): ${last.message.split('\n')[0]}`,
    EXIT.RUNTIME,
    tail || undefined,
  );
}
