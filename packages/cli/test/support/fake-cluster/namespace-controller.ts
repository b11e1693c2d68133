/**
 * Namespace termination (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/,
 * https://kubernetes.io/docs/tasks/administer-cluster/namespaces/#deleting-a-namespace): a
 * deleted namespace is phase Terminating while everything in it is deleted; when nothing is
 * left its `kubernetes` finalizer goes and the namespace with it. While it terminates, the API
 * refuses to create anything in it (admission.ts).
 */
import { removeIfDone, requestDeletion } from './deletion.js';
import type { ObjectStore } from './store.js';

export function reconcileNamespaces(store: ObjectStore): void {
  for (const ns of store.list('namespaces')) {
    if (!ns.metadata.deletionTimestamp || store.unmanaged.has(ns)) continue;
    const name: string = ns.metadata.name;
    const content = store.inNamespace(name);
    for (const [k, obj] of content) if (!obj.metadata.deletionTimestamp) requestDeletion(store, k.split('/')[0]!, obj, { propagationPolicy: 'Background' });
    if (store.inNamespace(name).length === 0 && (ns.spec?.finalizers ?? []).length) {
      store.update(ns, (x) => (x.spec.finalizers = []));
    }
    removeIfDone(store, 'namespaces', ns);
  }
}
