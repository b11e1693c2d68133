/**
 * The garbage collector (https://kubernetes.io/docs/concepts/architecture/garbage-collection/):
 * an object whose owners (metadata.ownerReferences) are all gone is deleted (background
 * cascading); an owner deleted with propagationPolicy Foreground keeps its
 * `foregroundDeletion` finalizer until its dependents are gone; one deleted with Orphan loses
 * its `orphan` finalizer once its dependents no longer name it.
 */
import { dropFinalizer, isOwnedBy, requestDeletion } from './deletion.js';
import type { ObjectStore, Obj } from './store.js';

export function collectGarbage(store: ObjectStore): void {
  const entries = [...store.objects.entries()].map(([k, v]) => [k.split('/')[0]!, v] as [string, Obj]);
  const dependentsOf = (owner: Obj) => entries.filter(([, o]) => isOwnedBy(o, owner));
  for (const [resource, obj] of entries) {
    const refs: Obj[] = obj.metadata?.ownerReferences ?? [];
    if (refs.length && !obj.metadata.deletionTimestamp && refs.every((r) => !store.byUid(r.uid))) requestDeletion(store, resource, obj);
  }
  for (const [, owner] of entries) {
    if (!owner.metadata?.deletionTimestamp) continue;
    const finalizers: string[] = owner.metadata.finalizers ?? [];
    if (finalizers.includes('orphan')) {
      for (const [, d] of dependentsOf(owner)) {
        store.update(d, (x) => {
          x.metadata.ownerReferences = x.metadata.ownerReferences.filter((r: Obj) => r.uid !== owner.metadata.uid);
          if (!x.metadata.ownerReferences.length) delete x.metadata.ownerReferences;
        });
      }
      dropFinalizer(store, owner, 'orphan');
    }
    if (finalizers.includes('foregroundDeletion')) {
      const deps = dependentsOf(owner);
      for (const [r, d] of deps) requestDeletion(store, r, d, { propagationPolicy: 'Foreground' });
      const live = new Set(store.objects.values());
      if (!deps.some(([, d]) => live.has(d))) dropFinalizer(store, owner, 'foregroundDeletion');
    }
  }
}
