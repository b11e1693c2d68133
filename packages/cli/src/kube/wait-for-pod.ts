import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Pod } from '@kubernetes/client-node';
import { EXIT, GomrError } from '../errors.js';
import { kubeCall, type KubeApi } from './kube-api.js';
import { diagnosePods, podReady, podStuck } from './pod-diagnosis.js';

export interface WaitForPodOptions {
  /** For messages: "the master of job X". */
  what: string;
  /** @default 180000 */
  timeoutMs?: number;
  /** @default 1000 */
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Waits for a ready pod matching `labelSelector` and returns it. A pod that cannot start
 * (image not found, crash loop) fails at once, with the pod's events, instead of at the timeout.
 */
export async function waitForReadyPod(api: KubeApi, namespace: string, labelSelector: string, o: WaitForPodOptions): Promise<V1Pod> {
  const timeoutMs = o.timeoutMs ?? 180_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pods = (await kubeCall(api, `listing the pods of ${o.what}`, () => api.core.listNamespacedPod({ namespace, labelSelector }))).items;
    const ready = pods.find(podReady);
    if (ready) return ready;
    const stuck = pods.map(podStuck).find(Boolean);
    if (stuck || Date.now() >= deadline) {
      const why = await diagnosePods(api, namespace, labelSelector);
      const head = stuck ? `${o.what} cannot start: ${why.summary}` : `${o.what} was not ready after ${Math.round(timeoutMs / 1000)} s: ${why.summary}`;
      throw new GomrError(head, EXIT.CLUSTER, why.events.length ? `events:\n${why.events.join('\n')}` : undefined);
    }
    await sleep(Math.min(o.pollMs ?? 1000, Math.max(0, deadline - Date.now())), undefined, { signal: o.signal });
  }
}
