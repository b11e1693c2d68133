/** Progress lines of builds, pushes and loads: throttled, whole-image, and never silent for long. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, throttle, withHeartbeat } from '../../src/docker/progress-throttle.js';
import { isBuildStep, pushProgress } from '../../src/docker/push-progress.js';

test('throttle lets one line through per interval; forced lines always pass', () => {
  let t = 0;
  const out: string[] = [];
  const say = throttle((l) => out.push(l), 2000, () => t);
  say('a');
  t = 500;
  say('b');
  t = 2100;
  say('c');
  t = 2200;
  say('d', true);
  assert.deepEqual(out, ['a', 'c', 'd']);
});

test('a push is one line for the whole image: layers done, bytes of bytes; the digest always', () => {
  let t = 0;
  const out: string[] = [];
  const on = pushProgress('r:5000/gomr-worker:ab', (l) => out.push(l), 1000, () => t);
  on({ status: 'The push refers to repository [r:5000/gomr-worker]' });
  on({ id: 'l1', status: 'Preparing' });
  on({ id: 'l1', status: 'Pushing', progressDetail: { current: 1 << 20, total: 4 << 20 } });
  t = 100;
  on({ id: 'l2', status: 'Layer already exists' });
  t = 1500;
  on({ id: 'l1', status: 'Pushing', progressDetail: { current: 3 << 20, total: 4 << 20 } });
  t = 1600;
  on({ id: 'l1', status: 'Pushed' });
  on({ status: 'ab: digest: sha256:0f size: 739' });
  on({ aux: { Tag: 'ab', Digest: 'sha256:0f', Size: 739 } });
  assert.deepEqual(out, [
    '      pushing r:5000/gomr-worker:ab: 0/1 layers, 1.0 MB of 4.0 MB',
    '      pushing r:5000/gomr-worker:ab: 1/2 layers, 3.0 MB of 4.0 MB',
    '      pushed r:5000/gomr-worker:ab (sha256:0f)',
  ]);
});

test('build output shows the Dockerfile steps only', () => {
  assert.ok(isBuildStep('Step 2/6 : COPY runtime/ /app/runtime/'));
  assert.ok(!isBuildStep(' ---> 5d2c0e7c1a4b'));
  assert.ok(!isBuildStep('Removing intermediate container 1a2b'));
});

test('a silent step gets a heartbeat line until it ends', async () => {
  const out: string[] = [];
  const r = await withHeartbeat('still loading', (l) => out.push(l), new Promise((res) => setTimeout(() => res(7), 200)), 40);
  assert.equal(r, 7);
  assert.ok(out.length >= 1, JSON.stringify(out));
  assert.match(out[0]!, /^still loading \(\d+ s\)$/);
  const n = out.length;
  await new Promise((res) => setTimeout(res, 100));
  assert.equal(out.length, n, 'no line after the step ended');
});

test('formatBytes', () => {
  assert.equal(formatBytes(2048), '2 kB');
  assert.equal(formatBytes(5 * 1024 * 1024), '5.0 MB');
  assert.equal(formatBytes(3 * 1024 ** 3), '3.00 GB');
});
