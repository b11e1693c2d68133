/**
 * Graceful deletion, as the API server does it
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/,
 * https://kubernetes.io/docs/concepts/architecture/garbage-collection/):
 * a DELETE sets metadata.deletionTimestamp; the object stays readable, marked, until its
 * finalizers are gone, and then leaves the store. A pod bound to a node also waits for its
 * kubelet to stop its containers (deletionGracePeriodSeconds, from
 * spec.terminationGracePeriodSeconds, 30 by default:
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination); a pod no
 * node has taken is removed at once.
 */
import type { ObjectStore, Obj } from './store.js';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  gracePeriodSeconds?: number;
}

/** Set by the kubelet once a pod's containers have stopped. */
export const POD_STOPPED = Symbol('pod stopped');

/**
 * batch/v1 Jobs orphan their pods when the DELETE names no policy (kept for compatibility:
 * the Job page's "kubectl delete jobs/pi --cascade=orphan" and the API's default GC policy
 * for batch/v1); everything else deletes its dependents in the background.
 */
function defaultPolicy(resource: string): PropagationPolicy {
  return resource === 'jobs' ? 'Orphan' : 'Background';
}

export function requestDeletion(store: ObjectStore, resource: string, obj: Obj, o: DeleteOptions = {}): void {
  if (!obj.metadata.deletionTimestamp) {
    const policy = o.propagationPolicy ?? defaultPolicy(resource);
    store.update(obj, (x) => {
      x.metadata.deletionTimestamp = new Date().toISOString();
      if (resource === 'pods') x.metadata.deletionGracePeriodSeconds = o.gracePeriodSeconds ?? x.spec?.terminationGracePeriodSeconds ?? 30;
      const finalizers: string[] = x.metadata.finalizers ?? [];
      if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion');
      if (policy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
      if (finalizers.length) x.metadata.finalizers = finalizers;
      if (resource === 'namespaces') x.status = { ...x.status, phase: 'Terminating' };
    });
  } else if (resource === 'pods' && o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds < (obj.metadata.deletionGracePeriodSeconds ?? 30)) {
    // A second DELETE may shorten the grace period (kubectl delete --grace-period=0 --force).
    store.update(obj, (x) => (x.metadata.deletionGracePeriodSeconds = o.gracePeriodSeconds));
  }
  removeIfDone(store, resource, obj);
}

/** Removes a marked object whose finalizers (and, for a pod, whose kubelet) are done. */
export function removeIfDone(store: ObjectStore, resource: string, obj: Obj): boolean {
  if (!obj.metadata.deletionTimestamp) return false;
  if ((obj.metadata.finalizers ?? []).length) return false;
  if (resource === 'namespaces' && (obj.spec?.finalizers ?? []).length) return false;
  if (resource === 'pods' && obj.spec?.nodeName && !obj[POD_STOPPED]) return false;
  store.remove(resource, obj);
  return true;
}

export function dropFinalizer(store: ObjectStore, obj: Obj, name: string): void {
  const finalizers: string[] = obj.metadata.finalizers ?? [];
  if (!finalizers.includes(name)) return;
  store.update(obj, (x) => {
    x.metadata.finalizers = finalizers.filter((f) => f !== name);
    if (!x.metadata.finalizers.length) delete x.metadata.finalizers;
  });
}

/** Owner references that name `owner`. */
export function isOwnedBy(obj: Obj, owner: Obj): boolean {
  return (obj.metadata?.ownerReferences ?? []).some((r: Obj) => r.uid === owner.metadata.uid);
}

export function ownerReference(owner: Obj, controller = true): Obj {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller, blockOwnerDeletion: true };
}
