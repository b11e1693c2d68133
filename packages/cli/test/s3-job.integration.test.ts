import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startS3rver } from '@gomr/storage/testing';
import { countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

test('a whole job runs on the S3 backend (s3rver on loopback)', async () => {
  const s3 = await startS3rver();
  try {
    const inputs = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(repoRoot, 'examples/data', f));
    const out = join(await tempDir(), 'out');
    const r = await runGomr([
      'run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '2', '--mappers', '4', '--reducers', '2',
      '--storage', 's3', '--s3-endpoint', s3.config.endpoint, '--s3-bucket', 'gomr-test',
      '--s3-access-key', s3.config.accessKey, '--s3-secret-key', s3.config.secretKey,
      '--output', out, join(repoRoot, 'examples/wordcount/worker.ts'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const expected = countWords(await Promise.all(inputs.map((f) => readFile(f, 'utf8'))));
    const { lines, files } = await readOutput(out);
    assert.deepEqual(files, ['part-00000', 'part-00001']);
    assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), expected);
  } finally {
    await s3.stop();
  }
});
