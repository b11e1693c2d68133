import { Writable } from 'node:stream';
import { Log } from '@kubernetes/client-node';
import { UsageError } from '../errors.js';
import { kubeCall, type KubeApi } from './kube-api.js';
import { masterSelector, workerSelector } from './find-job.js';

export interface PodLogOptions {
  namespace: string;
  jobId: string;
  /** Worker index (the Indexed Job's completion index); undefined: the master. */
  worker?: number;
  follow?: boolean;
  /** @default all lines */
  tailLines?: number;
  out: NodeJS.WritableStream;
  signal?: AbortSignal;
}

const INDEX_LABEL = 'batch.kubernetes.io/job-completion-index';

/** The pod whose log is wanted: the job's master, or worker N. */
export async function findLogPod(api: KubeApi, o: Pick<PodLogOptions, 'namespace' | 'jobId' | 'worker'>): Promise<string> {
  const labelSelector = o.worker === undefined ? masterSelector(o.jobId) : workerSelector(o.jobId);
  const pods = (await kubeCall(api, 'listing pods', () => api.core.listNamespacedPod({ namespace: o.namespace, labelSelector }))).items;
  const pick = o.worker === undefined ? pods : pods.filter((p) => p.metadata?.labels?.[INDEX_LABEL] === String(o.worker));
  // A restarted worker has one pod per attempt: the newest one.
  const pod = pick.sort((a, b) => String(b.metadata?.creationTimestamp ?? '').localeCompare(String(a.metadata?.creationTimestamp ?? '')))[0];
  if (!pod) {
    const what = o.worker === undefined ? 'master' : `worker ${o.worker}`;
    const hint = o.worker === undefined ? '' : ' (workers are removed when the job ends; their logs stay in storage)';
    throw new UsageError(`no pod for the ${what} of job ${o.jobId} in namespace ${o.namespace}${hint}`);
  }
  return pod.metadata!.name!;
}

/** Writes a pod's log to `out`; with follow, until the pod ends or the signal aborts. */
export async function streamPodLog(api: KubeApi, o: PodLogOptions): Promise<void> {
  const pod = await findLogPod(api, o);
  const container = o.worker === undefined ? 'master' : 'worker';
  if (!o.follow) {
    const text = await kubeCall(api, `reading the log of ${pod}`, () =>
      api.core.readNamespacedPodLog({ name: pod, namespace: o.namespace, container, ...(o.tailLines ? { tailLines: o.tailLines } : {}) }),
    );
    o.out.write(String(text));
    return;
  }
  const sink = new Writable({ write: (chunk, _enc, done) => (o.out.write(chunk), done()) });
  const ended = new Promise<void>((resolve) => sink.on('finish', resolve));
  const req = await kubeCall(api, `following the log of ${pod}`, () =>
    new Log(api.ctx.config).log(o.namespace, pod, container, sink, { follow: true, ...(o.tailLines ? { tailLines: o.tailLines } : {}) }),
  );
  o.signal?.addEventListener('abort', () => req.abort(), { once: true });
  await Promise.race([ended, new Promise<void>((r) => o.signal?.addEventListener('abort', () => r(), { once: true }))]);
}
