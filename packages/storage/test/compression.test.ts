import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compressionOf, compressionProblem } from '../src/compression.js';

test('compressionOf reads the suffix, case-insensitively, and nothing else', () => {
  assert.equal(compressionOf('a.txt.gz'), 'gzip');
  assert.equal(compressionOf('A.GZ'), 'gzip');
  assert.equal(compressionOf('x.br'), 'brotli');
  assert.equal(compressionOf('x.zst'), 'zstd');
  assert.equal(compressionOf('gz'), undefined);
  assert.equal(compressionOf('x.gz.txt'), undefined);
  assert.equal(compressionOf('x.tgz'), undefined);
});

test('compressionProblem refuses .zst only where zlib has no zstd, naming the Node version needed', () => {
  assert.equal(compressionProblem('x.zst', true, 'v24.1.0'), undefined);
  assert.equal(compressionProblem('x.gz', false, 'v20.20.2'), undefined);
  assert.equal(compressionProblem('x.zst', false, 'v20.20.2'), 'input x.zst is zstd-compressed: reading .zst needs Node 22.15 or newer (this is Node 20.20.2)');
});
