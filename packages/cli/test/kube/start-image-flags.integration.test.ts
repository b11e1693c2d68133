/** gomr start's image flags through the real CLI: --platform is checked, both are in --help. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runGomr } from '../support/run-gomr.js';

test('gomr start --platform takes linux/amd64 or linux/arm64 only: a usage error otherwise', { timeout: 60_000 }, async () => {
  const r = await runGomr(['start', '-i', 'examples/data/river.txt', '--platform', 'linux/s390x', 'examples/wordcount/worker.ts']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /linux\/s390x/);
  assert.match(r.stderr, /linux\/amd64, linux\/arm64/);
});

test('gomr start --help lists --platform and --image-pull-secret', { timeout: 60_000 }, async () => {
  const r = await runGomr(['start', '--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /--platform=<option>/);
  assert.match(r.stdout, /--image-pull-secret=<value>/);
});
