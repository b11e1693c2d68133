import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInNewContext } from 'node:vm';
import { jobKeys, parseTaskId } from '@gomr/storage';
import { buildJobSnapshot, createStatusServer, listenStatusServer, parseListenAddress } from '../src/index.js';

const snapshot = buildJobSnapshot({
  jobId: 'job-http', state: 'MAPPING', workerFile: 'w.ts', inputs: [], startedMs: 0, finishedMs: 0, maps: [], reduces: [],
  workers: [], counters: { mapInputRecords: 3 }, userCounters: {}, outputKeys: [],
}, 1000);

/** A raw request, so the test controls the method and the Host header. */
function send(port: number, method: string, path: string, host = `127.0.0.1:${port}`) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

test('the status server serves the page and the snapshot, read-only, with a strict CSP', async () => {
  const server = createStatusServer({ snapshot: () => snapshot });
  const port = await listenStatusServer(server, '127.0.0.1:0');
  try {
    const page = await send(port, 'GET', '/');
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<script src="app.js" defer><\/script>/);
    assert.doesNotMatch(page.body, /<script>[^<]/, 'no inline script');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');

    for (const path of ['/app.js', '/layout.js', '/style.css', '/favicon.svg']) assert.equal((await send(port, 'GET', path)).status, 200, path);
    const api = await send(port, 'GET', '/api/status');
    assert.equal(api.status, 200);
    assert.equal(api.headers['cache-control'], 'no-store');
    assert.deepEqual(JSON.parse(api.body), snapshot);
    assert.equal((await send(port, 'HEAD', '/api/status')).body, '');

    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await send(port, method, '/api/status');
      assert.equal(r.status, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD');
    }
    for (const path of ['/../package.json', '/static/app.js', '/%2e%2e/src/main.ts', '/nope']) {
      assert.equal((await send(port, 'GET', path)).status, 404, path);
    }
    // DNS rebinding: a loopback server answers loopback names only.
    assert.equal((await send(port, 'GET', '/api/status', `evil.example:${port}`)).status, 421);
    assert.equal((await send(port, 'GET', '/api/status', `localhost:${port}`)).status, 200);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

test('/layout.js gives the page the names of the job layout: the skipped folder and the task id pattern', async () => {
  const server = createStatusServer({ snapshot: () => snapshot, staticDir: '/nonexistent-gomr-static' });
  const port = await listenStatusServer(server, '127.0.0.1:0');
  try {
    const r = await send(port, 'GET', '/layout.js');
    assert.equal(r.status, 200, 'served from the code, not the static folder');
    assert.match(String(r.headers['content-type']), /^text\/javascript/);
    const page: { GOMR_LAYOUT?: { skippedDirKey: string; skippedDir: string; taskIdPattern: string } } = {};
    runInNewContext(r.body, { globalThis: page });
    const layout = page.GOMR_LAYOUT!;
    assert.equal(layout.skippedDirKey.replace('{jobId}', 'j1'), jobKeys.skippedDir('j1'));
    assert.ok(layout.skippedDirKey.endsWith(layout.skippedDir));
    const taskId = new RegExp(layout.taskIdPattern);
    for (const id of ['m-00003', 'r-00000', 's1-m-00003', 's2-r-123456']) {
      const m = taskId.exec(id);
      assert.ok(m && parseTaskId(id), id);
    }
    for (const id of ['x-00003', 'm-3', 's1-m', '../m-00003']) assert.equal(taskId.test(id), false, id);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

test('a snapshot that cannot be taken is a 500 with the reason, not a crash', async () => {
  const server = createStatusServer({ snapshot: () => { throw new Error('no state yet'); } });
  const port = await listenStatusServer(server, '127.0.0.1:0');
  try {
    const r = await send(port, 'GET', '/api/status');
    assert.equal(r.status, 500);
    assert.match(r.body, /no state yet/);
    assert.equal((server.address() as AddressInfo).port, port);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

test('missing page files are a 503 naming the file, and the JSON still works', async () => {
  const server = createStatusServer({ snapshot: () => snapshot, staticDir: '/nonexistent-gomr-static' });
  const port = await listenStatusServer(server, '127.0.0.1:0');
  try {
    const page = await send(port, 'GET', '/');
    assert.equal(page.status, 503);
    assert.match(page.body, /index\.html is missing/);
    assert.equal((await send(port, 'GET', '/api/status')).status, 200);
  } finally {
    server.close();
    server.closeAllConnections();
  }
});

test('listen addresses: HOST:PORT, [v6]:PORT, :PORT; anything else is refused', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
  assert.deepEqual(parseListenAddress('[::1]:8080'), { host: '::1', port: 8080 });
  assert.deepEqual(parseListenAddress(':8080'), { host: '0.0.0.0', port: 8080 });
  assert.throws(() => parseListenAddress('8080'), /HOST:PORT/);
  assert.throws(() => parseListenAddress('x:70000'), /HOST:PORT/);
});
