/**
 * Storage Object in Use Protection
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#storage-object-in-use-protection):
 * a PVC carries the `kubernetes.io/pvc-protection` finalizer from its creation; a deleted PVC
 * stays (Terminating) while a pod that is not terminal uses it. A fresh claim is Bound at once,
 * as with a default storage class that binds immediately.
 */
import { dropFinalizer, removeIfDone } from './deletion.js';
import type { ObjectStore, Obj } from './store.js';

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

export function usesClaim(pod: Obj, claim: string): boolean {
  return (pod.spec?.volumes ?? []).some((v: Obj) => v.persistentVolumeClaim?.claimName === claim);
}

export function reconcileClaims(store: ObjectStore): void {
  for (const pvc of store.list('persistentvolumeclaims')) {
    if (store.unmanaged.has(pvc)) continue;
    if (!pvc.status?.phase) store.update(pvc, (x) => (x.status = { phase: 'Bound', accessModes: x.spec?.accessModes, capacity: x.spec?.resources?.requests }));
    if (!pvc.metadata.deletionTimestamp) continue;
    const ns = pvc.metadata.namespace;
    const inUse = store.list('pods', ns).some((p) => usesClaim(p, pvc.metadata.name) && !['Succeeded', 'Failed'].includes(p.status?.phase));
    if (!inUse) dropFinalizer(store, pvc, PVC_PROTECTION);
    removeIfDone(store, 'persistentvolumeclaims', pvc);
  }
}
