/** Events (core/v1), as controllers and kubelets record them: `kubectl describe` shows these. */
import type { ObjectStore, Obj } from './store.js';

export function recordEvent(store: ObjectStore, about: Obj, type: 'Normal' | 'Warning', reason: string, message: string, source = 'fake-cluster'): void {
  const ns = about.metadata.namespace ?? 'default';
  const now = new Date().toISOString();
  store.create('events', ns, {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${about.metadata.name}.${store.next().toString(16)}` },
    involvedObject: { apiVersion: about.apiVersion, kind: about.kind, name: about.metadata.name, namespace: ns, uid: about.metadata.uid },
    type, reason, message, source: { component: source }, firstTimestamp: now, lastTimestamp: now, count: 1,
  });
}
