/**
 * The port-forwarder against a server speaking the Kubernetes WebSocket port-forward protocol
 * (test/support/port-forward-server.ts): bulk transfers both ways with a slow reader keep the
 * forwarder's memory flat and the bytes intact; a refused upgrade (403 on pods/portforward)
 * and the kubelet's error channel are reported with their own words; a silent API server
 * times out. bench: scripts/port-forward-bench.mjs runs the same transfer with 1 GB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Socket } from 'node:net';
import { GomrError } from '../../src/errors.js';
import { loadKubeContext } from '../../src/kube/kube-context.js';
import { KubePortForwarder } from '../../src/kube/port-forward.js';
import { measureForward, writeKubeconfig } from '../support/forward-measure.js';
import { startPortForwardServer } from '../support/port-forward-server.js';
import { tempDir } from '../support/run-gomr.js';

const MB = 1 << 20;

test('160 MB up and 160 MB down to a slow reader: bytes intact, forwarder RSS flat', { timeout: 300_000 }, async () => {
  const f = await measureForward({ size: 160 * MB, bytesPerSecond: 40 * MB, dir: await tempDir('gomr-pf-') });
  const growth = f.peakRss - f.rssBefore;
  const line = `peak RSS +${(growth / MB).toFixed(1)} MB over ${(f.rssBefore / MB).toFixed(1)} MB; up ${f.upload.mbPerS} MB/s, down ${f.download.mbPerS} MB/s`;
  console.log(`forwarder: ${line}`);
  assert.deepEqual(f.errors, []);
  assert.ok(f.upload.intact, `upload: ${JSON.stringify(f.upload)}`);
  assert.ok(f.download.intact, `download: ${JSON.stringify(f.download)}`);
  // client-node's PortForward grew by about 100 MB here (and cut the download short).
  assert.ok(growth < 64 * MB, line);
});

async function forwarderFor(server: string, timeoutMs = 5000, onError?: (e: Error) => void): Promise<KubePortForwarder> {
  const kubeconfig = await writeKubeconfig(await tempDir('gomr-pf-'), server);
  return new KubePortForwarder(loadKubeContext({ kubeconfig }), timeoutMs, onError ? { onError } : {});
}

test("a 403 on pods/portforward fails open() with the API server's message", { timeout: 30_000 }, async () => {
  const message = 'pods "gomr-minio-0" is forbidden: User "dev" cannot create resource "pods/portforward" in API group "" in the namespace "gomr"';
  const api = await startPortForwardServer({ target: () => 1, refuse: { code: 403, message } });
  try {
    const f = await forwarderFor(api.url);
    await assert.rejects(f.open('gomr', 'gomr-minio-0', 9000), (err: GomrError) => {
      assert.ok(err instanceof GomrError);
      assert.equal(err.exitCode, 7);
      assert.equal(err.message, `port-forward to pod gomr/gomr-minio-0:9000 refused: 403 Forbidden: ${message}`);
      return true;
    });
  } finally {
    await api.stop();
  }
});

test("the kubelet's error channel reaches onError, and the local connection closes", { timeout: 30_000 }, async () => {
  const api = await startPortForwardServer({ target: () => undefined });
  const errors: string[] = [];
  try {
    const f = await forwarderFor(api.url, 5000, (e) => errors.push(e.message));
    const fwd = await f.open('gomr', 'gomr-master-1', 7070);
    const closed = await new Promise<boolean>((resolve) => {
      const s = connect(fwd.localPort, '127.0.0.1');
      s.on('error', () => {});
      s.on('close', () => resolve(true));
    });
    assert.ok(closed);
    assert.equal(errors.length, 1, JSON.stringify(errors));
    assert.match(errors[0]!, /^error forwarding port 7070 to pod gomr-master-1, uid 0000: failed to connect .*connection refused$/);
    await fwd.close();
  } finally {
    await api.stop();
  }
});

test('an API server that never answers: open() goes on, each connection closes at the deadline and onError says why', { timeout: 30_000 }, async () => {
  const held: Socket[] = [];
  const silent = createServer((s) => held.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const errors: string[] = [];
  try {
    const f = await forwarderFor(`http://127.0.0.1:${(silent.address() as { port: number }).port}`, 800, (e) => errors.push(e.message));
    const fwd = await f.open('gomr', 'p', 9000);
    const t0 = Date.now();
    const s = connect(fwd.localPort, '127.0.0.1');
    s.on('error', () => {});
    await new Promise((r) => s.on('close', r));
    assert.ok(Date.now() - t0 < 10_000);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /^port-forward to pod gomr\/p:9000 failed: .*timed out/);
    await fwd.close();
  } finally {
    for (const s of held) s.destroy();
    silent.close();
  }
});
