import type { V1Pod } from '@kubernetes/client-node';
import { kubeCall, type KubeApi } from './kube-api.js';

/** Why pods are not running: their waiting/terminated reasons and their events. */
export interface PodDiagnosis {
  /** One line, e.g. "pod gomr-minio-abc: ImagePullBackOff (Back-off pulling image ...)". */
  summary: string;
  /** Every event of those pods, oldest first, one per line. */
  events: string[];
}

function podState(pod: V1Pod): string {
  const statuses = pod.status?.containerStatuses ?? [];
  for (const s of statuses) {
    const w = s.state?.waiting;
    if (w?.reason) return `${w.reason}${w.message ? ` (${w.message})` : ''}`;
    const t = s.state?.terminated;
    if (t) return `exited ${t.exitCode}${t.reason ? ` ${t.reason}` : ''}`;
  }
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (unscheduled) return `not scheduled: ${unscheduled.message ?? unscheduled.reason ?? ''}`.trim();
  return pod.status?.phase ?? 'unknown state';
}

export async function diagnosePods(api: KubeApi, namespace: string, labelSelector: string): Promise<PodDiagnosis> {
  const pods = (await kubeCall(api, 'listing pods', () => api.core.listNamespacedPod({ namespace, labelSelector }))).items;
  if (!pods.length) return { summary: 'no pod was created', events: [] };
  const events: string[] = [];
  for (const pod of pods) {
    const name = pod.metadata!.name!;
    const list = await kubeCall(api, 'listing events', () =>
      api.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` }),
    );
    for (const e of list.items) {
      events.push(`${name}: ${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`.replace(/\s+/g, ' ').trim());
    }
  }
  const summary = pods.map((p) => `pod ${p.metadata!.name}: ${podState(p)}`).join('; ');
  return { summary, events };
}

/** True once a pod runs and passes its readiness probe. */
export function podReady(pod: V1Pod): boolean {
  return pod.status?.phase === 'Running' && !!pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
}
