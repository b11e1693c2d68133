/**
 * The fake API server's controller semantics (test/support/fake-cluster/), checked against what
 * the Kubernetes docs say each one does. No kubelet runs: the test writes pod phases and
 * container states as a kubelet would, through the server's store, and reads the results over
 * HTTP where the API's answer itself matters (status codes, reasons, messages).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeKubeApi } from '../support/fake-cluster/api-server.js';
import { POD_STOPPED } from '../support/fake-cluster/deletion.js';
import { formatIndexes, parseIndexes } from '../support/fake-cluster/job-controller.js';
import type { Obj } from '../support/fake-cluster/store.js';

async function cluster(jobs = { backoffBaseMs: 0 }): Promise<FakeKubeApi & { call: (method: string, path: string, body?: unknown) => Promise<{ code: number; body: Obj }> }> {
  const api = new FakeKubeApi({ kubelet: 'external', jobs });
  await api.start();
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${api.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const result = { code: r.status, body: (await r.json()) as Obj };
    api.reconcile();
    return result;
  };
  await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gomr' } });
  return Object.assign(api, { call });
}

const container = { name: 'main', image: 'x:1' };
const job = (name: string, spec: Obj) => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name }, spec: { template: { spec: { restartPolicy: 'Never', containers: [container] } }, ...spec } });
/** A Job's pods that neither ended nor are being deleted. */
const podsOf = (api: FakeKubeApi, jobName: string) =>
  api.list('pods').filter((p) => p.metadata.labels?.['job-name'] === jobName && !p.metadata.deletionTimestamp && !['Succeeded', 'Failed'].includes(p.status?.phase));
const indexOf = (p: Obj) => p.metadata.labels['batch.kubernetes.io/job-completion-index'];

/** What a kubelet writes when the pod's container ends. */
function end(api: FakeKubeApi, pod: Obj, exitCode: number, conditions: Obj[] = []): void {
  api.store.update(pod, (p) => {
    p.spec.nodeName = 'node';
    p.status = { phase: exitCode === 0 ? 'Succeeded' : 'Failed', conditions, containerStatuses: [{ name: 'main', restartCount: 0, state: { terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed' } } }] };
  });
  pod[POD_STOPPED] = true;
  api.reconcile();
}

const condition = (j: Obj | undefined, type: string) => j?.status?.conditions?.find((c: Obj) => c.type === type && c.status === 'True');

test('Indexed Job: one pod per index up to parallelism, JOB_COMPLETION_INDEX set, a failed index replaced, Complete when every index succeeded', async () => {
  const api = await cluster();
  try {
    assert.equal((await api.call('POST', '/apis/batch/v1/namespaces/gomr/jobs', job('idx', { completionMode: 'Indexed', completions: 3, parallelism: 2 }))).code, 201);
    let pods = podsOf(api, 'idx');
    assert.deepEqual(pods.map(indexOf).sort(), ['0', '1']);
    assert.deepEqual(pods[0]!.spec.containers[0].env, [{ name: 'JOB_COMPLETION_INDEX', value: indexOf(pods[0]!) }]);
    assert.ok(pods.every((p) => p.metadata.finalizers.includes('batch.kubernetes.io/job-tracking') && p.metadata.ownerReferences[0].kind === 'Job'));
    end(api, pods.find((p) => indexOf(p) === '0')!, 0);
    end(api, pods.find((p) => indexOf(p) === '1')!, 1);
    pods = podsOf(api, 'idx');
    assert.deepEqual(pods.map(indexOf).sort(), ['1', '2'], 'index 1 again, and index 2');
    const j = api.get('jobs', 'idx')!;
    assert.equal(j.status.failed, 1);
    assert.equal(j.status.completedIndexes, '0');
    for (const p of pods) end(api, p, 0);
    assert.ok(condition(api.get('jobs', 'idx'), 'Complete'));
    assert.equal(api.get('jobs', 'idx')!.status.completedIndexes, '0-2');
    assert.equal(formatIndexes([4, 0, 1, 2, 7, 6]), '0-2,4,6-7');
    assert.deepEqual([...parseIndexes('0-2,4')], [0, 1, 2, 4]);
  } finally {
    await api.stop();
  }
});

test('backoffLimit: the failure past it fails the Job (BackoffLimitExceeded) and deletes its running pods', async () => {
  const api = await cluster();
  try {
    await api.call('POST', '/apis/batch/v1/namespaces/gomr/jobs', job('b', { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimit: 1 }));
    end(api, podsOf(api, 'b').find((p) => indexOf(p) === '0')!, 1);
    assert.ok(!condition(api.get('jobs', 'b'), 'Failed'), 'one failure is within backoffLimit 1');
    end(api, podsOf(api, 'b').find((p) => indexOf(p) === '0')!, 1);
    const j = api.get('jobs', 'b')!;
    assert.equal(condition(j, 'Failed')?.reason, 'BackoffLimitExceeded');
    assert.equal(condition(j, 'Failed')?.message, 'Job has reached the specified backoff limit');
    assert.ok(api.list('pods').filter((p) => indexOf(p) === '1').every((p) => p.metadata.deletionTimestamp), 'the running pod is deleted');
  } finally {
    await api.stop();
  }
});

test('restartPolicy OnFailure: container restarts count against backoffLimit', async () => {
  const api = await cluster();
  try {
    const j = job('r', { backoffLimit: 2 });
    j.spec.template.spec.restartPolicy = 'OnFailure';
    await api.call('POST', '/apis/batch/v1/namespaces/gomr/jobs', j);
    const pod = podsOf(api, 'r')[0]!;
    api.store.update(pod, (p) => (p.status = { phase: 'Running', containerStatuses: [{ name: 'main', restartCount: 3, state: { running: {} } }] }));
    api.reconcile();
    assert.equal(condition(api.get('jobs', 'r'), 'Failed')?.reason, 'BackoffLimitExceeded');
  } finally {
    await api.stop();
  }
});

test('podFailurePolicy: Ignore on DisruptionTarget (not counted, replaced), FailJob on an exit code, Count otherwise', async () => {
  const api = await cluster();
  try {
    const rules = [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [42] } },
    ];
    await api.call('POST', '/apis/batch/v1/namespaces/gomr/jobs', job('p', { backoffLimit: 6, podFailurePolicy: { rules } }));
    // Evicted: DisruptionTarget, then terminated.
    const first = podsOf(api, 'p')[0]!;
    assert.equal((await api.call('POST', `/api/v1/namespaces/gomr/pods/${first.metadata.name}/eviction`, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: first.metadata.name } })).code, 201);
    assert.equal(first.status.conditions.find((c: Obj) => c.type === 'DisruptionTarget').reason, 'EvictionByEvictionAPI');
    // podReplacementPolicy Failed (implied by podFailurePolicy): no new pod while it terminates.
    assert.equal(podsOf(api, 'p').length, 0);
    end(api, first, 143, first.status.conditions);
    assert.equal(api.get('jobs', 'p')!.status.failed ?? 0, 0, 'a disruption is not counted');
    const second = podsOf(api, 'p')[0]!;
    assert.ok(second, 'replaced');
    end(api, second, 1);
    assert.equal(api.get('jobs', 'p')!.status.failed, 1, 'Count');
    end(api, podsOf(api, 'p')[0]!, 42);
    const failed = condition(api.get('jobs', 'p'), 'Failed');
    assert.equal(failed?.reason, 'PodFailurePolicy');
    assert.match(failed?.message, /^Container main for pod gomr\/p-\S+ failed with exit code 42 matching FailJob rule at index 1$/);
  } finally {
    await api.stop();
  }
});

test('activeDeadlineSeconds: a Job active past it fails with DeadlineExceeded and its pods are deleted', async () => {
  const api = await cluster();
  try {
    await api.call('POST', '/apis/batch/v1/namespaces/gomr/jobs', job('d', { activeDeadlineSeconds: 1 }));
    const pod = podsOf(api, 'd')[0]!;
    await sleep(1300);
    api.reconcile();
    const failed = condition(api.get('jobs', 'd'), 'Failed');
    assert.equal(failed?.reason, 'DeadlineExceeded');
    assert.equal(failed?.message, 'Job was active longer than specified deadline');
    assert.ok(pod.metadata.deletionTimestamp);
  } finally {
    await api.stop();
  }
});

test('failed pods are replaced after an exponential back-off', async () => {
  const api = await cluster({ backoffBaseMs: 600 });
  try {
    await api.call('POST', '/apis/batch/v1/namespaces/gomr/jobs', job('bo', {}));
    end(api, podsOf(api, 'bo')[0]!, 1);
    assert.equal(podsOf(api, 'bo').length, 0, 'no replacement during the back-off');
    await sleep(800);
    api.reconcile();
    assert.equal(podsOf(api, 'bo').length, 1, 'replaced after it');
  } finally {
    await api.stop();
  }
});

test('ownerReferences: Background deletes dependents after the owner, Foreground keeps the owner until they are gone, a Job orphans its pods by default', async () => {
  const api = await cluster();
  try {
    const owner = (await api.call('POST', '/apis/batch/v1/namespaces/gomr/jobs', job('o', { suspend: true }))).body;
    const ref = [{ apiVersion: 'batch/v1', kind: 'Job', name: 'o', uid: owner.metadata.uid, blockOwnerDeletion: true }];
    const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, ownerReferences: ref } });
    await api.call('POST', '/api/v1/namespaces/gomr/secrets', secret('s1'));
    // Foreground: the owner stays, marked, until its dependents are gone.
    const podOwned = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'held', ownerReferences: ref }, spec: { containers: [container], nodeName: 'node' } };
    await api.call('POST', '/api/v1/namespaces/gomr/pods', podOwned);
    const del = await api.call('DELETE', '/apis/batch/v1/namespaces/gomr/jobs/o', { propagationPolicy: 'Foreground' });
    assert.equal(del.code, 200);
    assert.ok(api.get('jobs', 'o')?.metadata.finalizers.includes('foregroundDeletion'), 'owner kept while the pod terminates');
    assert.equal(api.get('secrets', 's1'), undefined, 'the secret went at once');
    const held = api.get('pods', 'held')!;
    held[POD_STOPPED] = true;
    api.reconcile();
    assert.equal(api.get('pods', 'held'), undefined);
    assert.equal(api.get('jobs', 'o'), undefined, 'then the owner');
    // Background on a Service owned by a Job that is deleted without a policy: orphaned.
    const o2 = (await api.call('POST', '/apis/batch/v1/namespaces/gomr/jobs', job('o2', { suspend: true }))).body;
    await api.call('POST', '/api/v1/namespaces/gomr/secrets', { ...secret('s2'), metadata: { name: 's2', ownerReferences: [{ ...ref[0], name: 'o2', uid: o2.metadata.uid }] } });
    await api.call('DELETE', '/apis/batch/v1/namespaces/gomr/jobs/o2');
    assert.equal(api.get('jobs', 'o2'), undefined);
    assert.equal(api.get('secrets', 's2')?.metadata.ownerReferences, undefined, 'orphaned: kept, without the reference');
  } finally {
    await api.stop();
  }
});

test('a Terminating namespace: 403 NamespaceTerminating on create, 409 on re-creating it; gone once its content is', async () => {
  const api = await cluster();
  try {
    await api.call('POST', '/api/v1/namespaces/gomr/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'slow' }, spec: { containers: [container], nodeName: 'node' } });
    await api.call('DELETE', '/api/v1/namespaces/gomr');
    assert.equal(api.get('namespaces', 'gomr', '')!.status.phase, 'Terminating');
    const create = await api.call('POST', '/api/v1/namespaces/gomr/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'late' } });
    assert.equal(create.code, 403);
    assert.equal(create.body.reason, 'Forbidden');
    assert.equal(create.body.message, 'secrets "late" is forbidden: unable to create new content in namespace gomr because it is being terminated');
    assert.equal(create.body.details.causes[0].reason, 'NamespaceTerminating');
    const again = await api.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gomr' } });
    assert.equal(again.code, 409);
    assert.equal(again.body.message, 'object is being deleted: namespaces "gomr" already exists');
    api.get('pods', 'slow')![POD_STOPPED] = true;
    api.reconcile();
    assert.equal(api.get('namespaces', 'gomr', ''), undefined);
    assert.equal((await api.call('POST', '/api/v1/namespaces/gomr/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).code, 404);
  } finally {
    await api.stop();
  }
});

test('a PVC in use stays Terminating until its pod is gone', async () => {
  const api = await cluster();
  try {
    await api.call('POST', '/api/v1/namespaces/gomr/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } });
    assert.equal(api.get('persistentvolumeclaims', 'data')!.status.phase, 'Bound');
    await api.call('POST', '/api/v1/namespaces/gomr/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'user' }, spec: { nodeName: 'node', containers: [container], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] }, status: { phase: 'Running' } });
    api.get('pods', 'user')!.status = { phase: 'Running' };
    await api.call('DELETE', '/api/v1/namespaces/gomr/persistentvolumeclaims/data');
    assert.ok(api.get('persistentvolumeclaims', 'data')?.metadata.deletionTimestamp, 'kept while used');
    const recreate = await api.call('POST', '/api/v1/namespaces/gomr/persistentvolumeclaims', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' } });
    assert.equal(recreate.code, 409);
    await api.call('DELETE', '/api/v1/namespaces/gomr/pods/user');
    api.get('pods', 'user')![POD_STOPPED] = true;
    api.get('pods', 'user')!.status.phase = 'Failed';
    api.reconcile();
    assert.equal(api.get('persistentvolumeclaims', 'data'), undefined);
  } finally {
    await api.stop();
  }
});

test('Pod Security restricted: a Job whose pods break it gets FailedCreate events, no pods', async () => {
  const api = await cluster();
  try {
    await api.call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'strict', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    await api.call('POST', '/apis/batch/v1/namespaces/strict/jobs', job('loose', {}));
    assert.equal(api.list('pods', 'strict').length, 0);
    const events = api.list('events', 'strict').filter((e) => e.reason === 'FailedCreate');
    assert.equal(events.length, 1);
    assert.match(events[0]!.message, /^Error creating: pods "loose-\S+" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
  } finally {
    await api.stop();
  }
});
