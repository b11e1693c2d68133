import type { V1Pod } from '@kubernetes/client-node';
import type { KubeApi } from './kube-api.js';
import { needsLogForStartFailure, startFailure, type PodProblem } from './pod-problems.js';

/**
 * The start failures of pods that have ended (startFailure), reading a failed pod's log at most
 * once: a pod that has ended does not change.
 */
export class FailedPods {
  private readonly seen = new Map<string, PodProblem | null>();

  constructor(
    private readonly api: KubeApi,
    private readonly namespace: string,
  ) {}

  async problems(pods: V1Pod[]): Promise<PodProblem[]> {
    const out: PodProblem[] = [];
    for (const pod of pods) {
      if (pod.status?.phase !== 'Failed') continue;
      const name = pod.metadata?.name ?? '';
      if (!this.seen.has(name)) {
        let tail = '';
        if (needsLogForStartFailure(pod)) {
          tail = await this.api.core
            .readNamespacedPodLog({ name, namespace: this.namespace, tailLines: 5 })
            .then((t) => String(t))
            .catch(() => '');
        }
        this.seen.set(name, startFailure(pod, tail) ?? null);
      }
      const p = this.seen.get(name);
      if (p) out.push(p);
    }
    return out;
  }
}
