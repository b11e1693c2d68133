/** Which platform gomr start builds for, from the nodes' status.nodeInfo or --platform. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { choosePlatform } from '../../src/docker/image-platform.js';
import { GomrError } from '../../src/errors.js';
import { kubeApi } from '../../src/kube/kube-api.js';
import { loadKubeContext } from '../../src/kube/kube-context.js';
import { nodeArchitectures } from '../../src/kube/node-platforms.js';
import { writeKubeconfig } from '../support/forward-measure.js';
import { tempDir } from '../support/run-gomr.js';

const node = (name: string, architecture: string) => ({ name, architecture, operatingSystem: 'linux' });

test("all nodes of one architecture: that platform, and the reason says it is the nodes'", () => {
  assert.deepEqual(choosePlatform([node('a', 'arm64'), node('b', 'arm64')]), { platform: 'linux/arm64', reason: "linux/arm64, the nodes' (2 nodes)" });
  assert.equal(choosePlatform([node('a', 'amd64')]).platform, 'linux/amd64');
});

test('--platform wins over the nodes, and is checked', () => {
  assert.deepEqual(choosePlatform([node('a', 'arm64')], 'linux/amd64'), { platform: 'linux/amd64', reason: 'linux/amd64, from --platform' });
  assert.throws(() => choosePlatform([], 'linux/s390x'), (e: GomrError) => e.exitCode === 2 && /--platform linux\/s390x is not one of linux\/amd64, linux\/arm64/.test(e.message));
});

test('mixed nodes are refused without --platform, naming which nodes are which', () => {
  const nodes = [node('x1', 'amd64'), node('x2', 'amd64'), node('m1', 'arm64')];
  assert.throws(() => choosePlatform(nodes), (e: GomrError) => {
    assert.equal(e.exitCode, 2);
    assert.match(e.message, /^the nodes mix platforms \(linux\/amd64: x1, x2; linux\/arm64: m1\); pass --platform linux\/amd64 or --platform linux\/arm64/);
    return true;
  });
  assert.equal(choosePlatform(nodes, 'linux/arm64').platform, 'linux/arm64');
});

test('nodes gomr cannot build for are an error; unlisted nodes fall back to the daemon with a reason', () => {
  assert.throws(() => choosePlatform([node('z', 's390x')]), /the nodes are linux\/s390x; gomr builds linux\/amd64 and linux\/arm64 images only/);
  const fallback = choosePlatform(undefined, undefined, 'HTTP 403');
  assert.equal(fallback.platform, undefined);
  assert.match(fallback.reason, /^this machine's Docker platform: the nodes could not be listed \(HTTP 403\); pass --platform/);
});

test('nodeArchitectures reads status.nodeInfo of every node; a 403 is a reason, not a failure', async () => {
  let allowed = true;
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/nodes') && allowed) {
      const item = (name: string, architecture: string) => ({ metadata: { name }, status: { nodeInfo: { architecture, operatingSystem: 'linux' } } });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [item('n1', 'arm64'), item('n2', 'amd64')] }));
    } else {
      res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 403, reason: 'Forbidden', message: 'nodes is forbidden: User "dev" cannot list resource "nodes"' }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const kubeconfig = await writeKubeconfig(await tempDir('gomr-nodes-'), `http://127.0.0.1:${(server.address() as { port: number }).port}`);
    const api = kubeApi(loadKubeContext({ kubeconfig }), { requestTimeoutMs: 5000 });
    const listed = await nodeArchitectures(api);
    assert.deepEqual(listed.nodes?.map((n) => `${n.name}=${n.architecture}`), ['n1=arm64', 'n2=amd64']);
    assert.throws(() => choosePlatform(listed.nodes), /mix platforms/);
    allowed = false;
    const denied = await nodeArchitectures(api);
    assert.equal(denied.nodes, undefined);
    assert.match(denied.error!, /403.*cannot list resource "nodes"/);
  } finally {
    server.close();
  }
});
