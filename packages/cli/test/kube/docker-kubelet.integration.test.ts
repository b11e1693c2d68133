/**
 * The Docker kubelet (test/support/fake-cluster/docker-kubelet.ts) on its own: pods created
 * through the fake API server run as containers of the local base image, and their status
 * reads as a real kubelet writes it (restarts and CrashLoopBackOff, CreateContainerConfigError,
 * Pending on a missing claim with a FailedScheduling event, env and secret volumes resolved,
 * SIGTERM on delete).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDockerCluster } from '../support/fake-cluster/docker-cluster.js';
import { waitFor } from '../support/fake-cluster/e2e-helpers.js';
import type { Obj } from '../support/fake-cluster/store.js';
import { dockerUnavailable, TEST_BASE_IMAGE } from '../support/docker-available.js';

const skip = await dockerUnavailable();

async function post(url: string, path: string, body: Obj): Promise<number> {
  const r = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  await r.text();
  return r.status;
}

const pod = (name: string, spec: Obj) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec });

test('the Docker kubelet: crash loop, config error, unbound claim, env/secret resolution, SIGTERM on delete', { skip, timeout: 120_000 }, async () => {
  const cluster = await startDockerCluster();
  const { api } = cluster;
  try {
    await post(api.url, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gomr' } });
    await post(api.url, '/api/v1/namespaces/gomr/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { token: 'sesame', 'conf.json': '{"a":1}' } });
    // Exits 3 every time: restarted in place, CrashLoopBackOff in between.
    await post(api.url, '/api/v1/namespaces/gomr/pods', pod('crash', { restartPolicy: 'Always', containers: [{ name: 'c', image: TEST_BASE_IMAGE, command: ['node', '-e', 'process.exit(3)'] }] }));
    // Needs a key the Secret lacks.
    await post(api.url, '/api/v1/namespaces/gomr/pods', pod('nokey', { containers: [{ name: 'c', image: TEST_BASE_IMAGE, command: ['node', '-e', '1'], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'missing' } } }] }] }));
    // A claim that does not exist.
    await post(api.url, '/api/v1/namespaces/gomr/pods', pod('noclaim', { containers: [{ name: 'c', image: TEST_BASE_IMAGE }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'nope' } }] }));
    // Reads its env and secret volume, listens on 0.0.0.0 (its own IP), and exits 7 on SIGTERM.
    const script = `const fs=require('fs');console.log('T='+process.env.T+' C='+fs.readFileSync('/etc/s/conf.json','utf8')+' L='+process.env.L);
require('net').createServer().listen(5000,process.env.L.split(':')[0]);process.on('SIGTERM',()=>{console.log('got SIGTERM');process.exit(7)});`;
    await post(api.url, '/api/v1/namespaces/gomr/pods', pod('env', {
      restartPolicy: 'Never', terminationGracePeriodSeconds: 5,
      securityContext: { runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true },
      containers: [{
        name: 'c', image: TEST_BASE_IMAGE, command: ['node', '-e', script],
        env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 's', key: 'token' } } }, { name: 'L', value: '0.0.0.0:5000' }],
        volumeMounts: [{ name: 'sv', mountPath: '/etc/s' }],
        readinessProbe: { tcpSocket: { port: 5000 }, periodSeconds: 1 },
      }],
      volumes: [{ name: 'sv', secret: { secretName: 's' } }],
    }));

    const crash = await waitFor('CrashLoopBackOff', () => {
      const s = api.get('pods', 'crash')?.status?.containerStatuses?.[0];
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' && s.restartCount >= 1 ? s : undefined;
    }, 60_000);
    assert.equal(crash.lastState.terminated.exitCode, 3);
    assert.equal(crash.lastState.terminated.reason, 'Error');
    const nokey = await waitFor('CreateContainerConfigError', () => api.get('pods', 'nokey')?.status?.containerStatuses?.[0]?.state?.waiting, 30_000);
    assert.deepEqual(nokey, { reason: 'CreateContainerConfigError', message: "couldn't find key missing in Secret gomr/s" });
    const unscheduled = await waitFor('an unschedulable pod', () => api.get('pods', 'noclaim')?.status?.conditions?.find((c: Obj) => c.reason === 'Unschedulable'), 30_000);
    assert.match(unscheduled.message, /persistentvolumeclaim "nope" not found/);
    assert.ok(api.list('events').some((e) => e.involvedObject.name === 'noclaim' && e.reason === 'FailedScheduling'));

    const ready = await waitFor('the env pod ready', () => {
      const p = api.get('pods', 'env');
      return p?.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? p : undefined;
    }, 30_000);
    assert.match(ready.status.podIP, /^127\.\d+\.\d+\.\d+$/);
    api.delete('pods', 'env');
    await waitFor('the env pod gone', () => !api.get('pods', 'env'), 30_000);
    const t = cluster.kubelet.transcripts.find((x) => x.pod === 'env')!;
    assert.equal(t.exitCode, 7);
    assert.match(t.text, new RegExp(`T=sesame C=\\{"a":1\\} L=${ready.status.podIP.replace(/\./g, '\\.')}:5000`));
    assert.match(t.text, /got SIGTERM/);
  } finally {
    await cluster.stop();
  }
});
