import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { ClusterError } from '../errors.js';
import { kubeCall, type KubeApi } from './kube-api.js';
import { diagnosePods, podReady } from './pod-diagnosis.js';
import { FailedPods } from './failed-pods.js';
import { eventProblems, podProblems, ProblemTracker } from './pod-problems.js';

export interface WaitForPodOptions {
  /** For messages: "the master of job X". */
  what: string;
  /** Said after the timeout in messages: "in namespace N". */
  where?: string;
  /** @default 180000 */
  timeoutMs?: number;
  /** @default 1000 */
  pollMs?: number;
  signal?: AbortSignal;
  /** Problems that do not end the wait (a pod unschedulable for a while, FailedCreate) go here. */
  log?: (line: string) => void;
  /**
   * Names of the controllers whose FailedCreate events concern these pods (the Job, MinIO's
   * ReplicaSets): a pod that is never created shows only there.
   */
  ownerName?: (name: string) => boolean;
  /** Called on every poll; throws to end the wait (the master Job has failed). */
  check?: () => Promise<void>;
}

/**
 * Waits for a ready pod matching `labelSelector` and returns it. A pod that cannot start (its
 * image cannot be pulled, its container cannot start or keeps crashing) fails the wait within
 * one poll, with the pod's reason, message and events, instead of at the timeout; a pod left
 * unschedulable is reported after UNSCHEDULABLE_REPORT_MS and waited for.
 */
export async function waitForReadyPod(api: KubeApi, namespace: string, labelSelector: string, o: WaitForPodOptions): Promise<V1Pod> {
  const timeoutMs = o.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  const tracker = new ProblemTracker();
  const failed = new FailedPods(api, namespace);
  for (;;) {
    await o.check?.();
    const pods = (await kubeCall(api, `listing the pods of ${o.what}`, () => api.core.listNamespacedPod({ namespace, labelSelector }))).items;
    const ready = pods.find((p) => podReady(p) && !p.metadata?.deletionTimestamp);
    if (ready) return ready;
    // A Job's pod that could not start its container fails (restartPolicy Never) instead of
    // looping: the Job would start another from the same image, and it would fail the same way.
    const problems = [...pods.flatMap(podProblems), ...(await failed.problems(pods))];
    if (o.ownerName && !pods.some((p) => !p.status?.phase || p.status.phase === 'Pending' || p.status.phase === 'Running')) {
      const events = (await kubeCall(api, 'listing events', () => api.core.listNamespacedEvent({ namespace }))).items;
      problems.push(...eventProblems(events, o.ownerName));
    }
    const { fatal, report } = tracker.observe(problems);
    for (const p of report) o.log?.(`      ${o.what}: ${p.text}`);
    if (fatal.length || Date.now() >= deadline) {
      const why = await diagnosePods(api, namespace, labelSelector);
      const head = fatal.length
        ? `${o.what} cannot start${o.where ? ` ${o.where}` : ''}: ${fatal.map((p) => p.text).join('; ')}`
        : `${o.what} was not ready after ${Math.round(timeoutMs / 1000)} s${o.where ? ` ${o.where}` : ''}: ${[why.summary, ...problems.filter((p) => !p.key.startsWith('pod/')).map((p) => p.text)].join('; ')}`;
      const lastEvent = why.events.at(-1);
      throw new ClusterError(`${head}${lastEvent ? `; last event: ${lastEvent}` : ''}`, why.events.length ? `events:\n${why.events.join('\n')}` : undefined);
    }
    await sleep(Math.min(o.pollMs ?? 1000, Math.max(0, deadline - Date.now())), undefined, { signal: o.signal });
  }
}
