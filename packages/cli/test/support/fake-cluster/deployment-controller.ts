/**
 * Deployments, reduced to what gomr uses (one replica, strategy Recreate):
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/. The Deployment owns
 * its pods directly here (a real one owns a ReplicaSet that owns them; gomr reads neither the
 * ReplicaSet nor its name). A pod that is gone or terminal is replaced; Recreate waits until the
 * old pod has left before the new one starts. status.replicas / readyReplicas /
 * availableReplicas follow the pods. A pod that admission refuses is not made; the ReplicaSet
 * controller says so in a FailedCreate event on the ReplicaSet (at most one per 5 s here, as
 * its retries with back-off and the event recorder's aggregation leave a reader).
 */
import { isOwnedBy, ownerReference } from './deletion.js';
import { recordEvent } from './events.js';
import type { ObjectStore, Obj } from './store.js';

const LAST_REFUSAL = Symbol('last FailedCreate event');

const terminal = (p: Obj) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const ready = (p: Obj) => !terminal(p) && (p.status?.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True');

export function reconcileDeployments(store: ObjectStore, admitPod?: (namespace: string, pod: Obj) => string | undefined): void {
  for (const d of store.list('deployments')) {
    if (store.unmanaged.has(d) || d.metadata.deletionTimestamp) continue;
    const ns: string = d.metadata.namespace;
    const pods = store.list('pods', ns).filter((p) => isOwnedBy(p, d));
    const live = pods.filter((p) => !terminal(p) && !p.metadata.deletionTimestamp);
    const want: number = d.spec.replicas ?? 1;
    const recreateBlocked = d.spec.strategy?.type === 'Recreate' && pods.some((p) => !terminal(p) && p.metadata.deletionTimestamp);
    for (let i = live.length; i < want && !recreateBlocked; i++) {
      const first = !d.metadata.annotations?.['fake.gomr.dev/pods-made'];
      // The first pod's name is fixed ("<name>-7d9f8-abcde", template hash + random suffix),
      // so tests can name it; later ones get fresh suffixes.
      const name = `${d.metadata.name}-7d9f8-${first ? 'abcde' : `x${store.next()}`}`;
      const template = structuredClone(d.spec.template ?? {});
      const pod = {
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name, labels: { ...template.metadata?.labels, 'pod-template-hash': '7d9f8' }, ownerReferences: [ownerReference(d)] },
        spec: template.spec ?? {},
        status: { phase: 'Pending' },
      };
      const refused = admitPod?.(ns, pod);
      if (refused) {
        const owner = d as Obj & { [LAST_REFUSAL]?: number };
        const now = Date.now();
        if (!owner[LAST_REFUSAL] || now - owner[LAST_REFUSAL] >= 5000) {
          owner[LAST_REFUSAL] = now;
          const replicaSet = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: `${d.metadata.name}-7d9f8`, namespace: ns } };
          recordEvent(store, replicaSet, 'Warning', 'FailedCreate', `Error creating: ${refused}`, 'replicaset-controller');
        }
        break;
      }
      store.update(d, (x) => (x.metadata.annotations = { ...x.metadata.annotations, 'fake.gomr.dev/pods-made': '1' }));
      store.create('pods', ns, pod);
      recordEvent(store, d, 'Normal', 'SuccessfulCreate', `Created pod: ${name}`, 'replicaset-controller');
    }
    for (const p of pods.filter(terminal)) store.remove('pods', p);
    const status = { observedGeneration: 1, replicas: live.length, readyReplicas: live.filter(ready).length, availableReplicas: live.filter(ready).length, updatedReplicas: live.length };
    if (JSON.stringify(d.status) !== JSON.stringify(status)) store.update(d, (x) => (x.status = status));
  }
}
