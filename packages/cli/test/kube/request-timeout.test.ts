/**
 * Deadlines on the way to a cluster: the --request-timeout syntax, the default, and the
 * port-forwarder dropping a local connection whose WebSocket handshake never finishes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { GomrError } from '../../src/errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, kubeApi, parseRequestTimeout } from '../../src/kube/kube-api.js';
import { loadKubeContext } from '../../src/kube/kube-context.js';
import { KubePortForwarder } from '../../src/kube/port-forward.js';
import { tempDir } from '../support/run-gomr.js';

test('--request-timeout takes durations as kubectl does; bare numbers are seconds; 0 is none', () => {
  assert.equal(parseRequestTimeout('15s'), 15_000);
  assert.equal(parseRequestTimeout('500ms'), 500);
  assert.equal(parseRequestTimeout('2m'), 120_000);
  assert.equal(parseRequestTimeout('1h'), 3_600_000);
  assert.equal(parseRequestTimeout('1.5s'), 1500);
  assert.equal(parseRequestTimeout('30'), 30_000);
  assert.equal(parseRequestTimeout('0'), 0);
  for (const bad of ['', 'soon', '-1s', '5 minutes', '1d']) {
    assert.throws(() => parseRequestTimeout(bad), (err: GomrError) => err instanceof GomrError && err.exitCode === 2 && /--request-timeout must be a duration/.test(err.message), bad);
  }
  assert.equal(DEFAULT_REQUEST_TIMEOUT_MS, 15_000);
});

async function blackholeKubeconfig(): Promise<{ path: string; held: Set<Socket>; close(): void }> {
  const held = new Set<Socket>();
  const server = createServer((s) => {
    held.add(s);
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const path = join(await tempDir(), 'kubeconfig');
  await writeFile(path, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user: {token: t}\n`);
  return { path, held, close: () => (held.forEach((s) => s.destroy()), server.close()) };
}

test('every API client gets the deadline (15 s by default)', { timeout: 20_000 }, async () => {
  const bh = await blackholeKubeconfig();
  try {
    const ctx = loadKubeContext({ kubeconfig: bh.path });
    assert.equal(kubeApi(ctx).requestTimeoutMs, 15_000);
    const api = kubeApi(ctx, { requestTimeoutMs: 300 });
    for (const call of [() => api.core.listNamespacedPod({ namespace: 'gomr' }), () => api.apps.readNamespacedDeployment({ name: 'x', namespace: 'gomr' }), () => api.batch.listNamespacedJob({ namespace: 'gomr' })]) {
      const t0 = Date.now();
      await assert.rejects(call(), (err: Error) => err.name === 'AbortError');
      assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    }
  } finally {
    bh.close();
  }
});

test('a port-forward whose handshake never finishes closes its local connection at the deadline', { timeout: 20_000 }, async () => {
  const bh = await blackholeKubeconfig();
  try {
    const forwarder = new KubePortForwarder(loadKubeContext({ kubeconfig: bh.path }), 400);
    const forward = await forwarder.open('gomr', 'gomr-master-x', 8080);
    try {
      const t0 = Date.now();
      const socket = connect(forward.localPort, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise((r) => socket.on('close', r));
      const ms = Date.now() - t0;
      assert.ok(ms >= 350 && ms < 3000, `closed after ${ms} ms`);
      assert.ok(bh.held.size >= 1, 'the handshake reached the server');
    } finally {
      await forward.close();
    }
  } finally {
    bh.close();
  }
});
