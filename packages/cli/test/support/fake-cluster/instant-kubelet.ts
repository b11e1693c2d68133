/**
 * A kubelet that runs nothing: every pod it is given is Running and Ready at once, and a
 * deleted pod stops at once (exit 143, as after SIGTERM). For tests of the API conversation
 * (launcher, status, commands). `notReady` pods stay Pending, unschedulable, with the events
 * given. The Docker kubelet (docker-kubelet.ts) is the one that really runs pods.
 */
import { POD_STOPPED, removeIfDone } from './deletion.js';
import { recordEvent } from './events.js';
import type { ObjectStore, Obj } from './store.js';

export interface InstantKubeletOptions {
  /** Pods that never become ready, with their events. */
  notReady?: (pod: Obj) => { type: string; reason: string; message: string }[] | undefined;
}

export function runInstantKubelet(store: ObjectStore, o: InstantKubeletOptions = {}): void {
  for (const pod of store.list('pods')) {
    if (store.unmanaged.has(pod)) continue;
    if (!pod.spec?.nodeName && !pod.metadata.deletionTimestamp && !pod.metadata.annotations?.['fake.gomr.dev/held']) {
      const events = o.notReady?.(pod);
      if (events) {
        store.update(pod, (p) => {
          p.spec.nodeName = undefined;
          p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims' }] };
          p.metadata.annotations = { ...p.metadata.annotations, 'fake.gomr.dev/held': 'true' };
        });
        for (const e of events) recordEvent(store, pod, e.type as 'Normal', e.reason, e.message);
        continue;
      }
      store.update(pod, (p) => {
        p.spec.nodeName = 'instant-node';
        p.status = {
          phase: 'Running', podIP: '127.0.0.1',
          conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: 'True' }],
          containerStatuses: (p.spec.containers ?? [{ name: 'c' }]).map((c: Obj) => ({ name: c.name, ready: true, restartCount: 0, state: { running: { startedAt: new Date().toISOString() } } })),
        };
      });
    }
    if (pod.metadata.deletionTimestamp && !pod[POD_STOPPED]) {
      if (pod.spec?.nodeName && pod.status?.phase === 'Running') {
        store.update(pod, (p) => {
          p.status.phase = p.spec.restartPolicy === 'Always' || !p.spec.restartPolicy ? 'Succeeded' : 'Failed';
          p.status.conditions = [{ type: 'Ready', status: 'False' }];
          p.status.containerStatuses = p.status.containerStatuses.map((s: Obj) => ({ ...s, ready: false, state: { terminated: { exitCode: 143, reason: 'Error' } } }));
        });
      }
      pod[POD_STOPPED] = true;
      removeIfDone(store, 'pods', pod);
    }
  }
}
