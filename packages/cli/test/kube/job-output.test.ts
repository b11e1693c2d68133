import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LocalStorage } from '@gomr/storage';
import { GomrError } from '../../src/errors.js';
import { downloadJobOutput } from '../../src/kube/job-output.js';
import { tempDir } from '../support/run-gomr.js';

test('gomr output: part files concatenated in part order, or copied as they are', async () => {
  const storage = new LocalStorage(await tempDir());
  // Written out of order, with a non-part object beside them.
  await storage.put('jobs/j/output/part-00001', 'b\t2\n');
  await storage.put('jobs/j/output/part-00000', 'a\t1\n');
  await storage.put('jobs/j/output/part-00002', '');
  await storage.put('jobs/j/output/_SUCCESS', 'x');
  const dir = await tempDir();
  const one = await downloadJobOutput(storage, 'j', { file: join(dir, 'result.txt') });
  assert.deepEqual(one.parts, ['part-00000', 'part-00001', 'part-00002']);
  assert.equal(one.bytes, 8);
  assert.equal(await readFile(join(dir, 'result.txt'), 'utf8'), 'a\t1\nb\t2\n');
  const copied = await downloadJobOutput(storage, 'j', { dir: join(dir, 'parts') });
  assert.equal(copied.files.length, 3);
  assert.deepEqual((await readdir(join(dir, 'parts'))).sort(), ['part-00000', 'part-00001', 'part-00002']);
  await assert.rejects(downloadJobOutput(storage, 'nope', {}), (e: GomrError) => /job nope has no output yet/.test(e.message) && e.exitCode === 2);
  await storage.close();
});

test('gomr output: a map-only job\'s part-m files, and gzip parts decompressed when concatenated, kept when copied', async () => {
  const storage = new LocalStorage(await tempDir());
  await storage.put('jobs/m/output/part-m-00001', 'z\t1\n');
  await storage.put('jobs/m/output/part-m-00000', 'y\t1\n');
  await storage.put('jobs/g/output/part-00001.gz', gzipSync('b\t2\n'));
  await storage.put('jobs/g/output/part-00000.gz', Buffer.concat([gzipSync('a\t1\n'), gzipSync('a2\t1\n')]));
  const dir = await tempDir();
  const mapOnly = await downloadJobOutput(storage, 'm', { file: join(dir, 'm.txt') });
  assert.deepEqual(mapOnly.parts, ['part-m-00000', 'part-m-00001']);
  assert.equal(await readFile(join(dir, 'm.txt'), 'utf8'), 'y\t1\nz\t1\n');
  const gz = await downloadJobOutput(storage, 'g', { file: join(dir, 'g.txt') });
  assert.deepEqual(gz.parts, ['part-00000.gz', 'part-00001.gz']);
  assert.equal(await readFile(join(dir, 'g.txt'), 'utf8'), 'a\t1\na2\t1\nb\t2\n');
  await downloadJobOutput(storage, 'g', { dir: join(dir, 'gz') });
  assert.equal(gunzipSync(await readFile(join(dir, 'gz', 'part-00001.gz'))).toString(), 'b\t2\n');
  await storage.close();
});

test('gomr output --skipped: the dead-letter files, in task order; --dir puts them in _skipped/ beside the parts', async () => {
  const storage = new LocalStorage(await tempDir());
  await storage.put('jobs/j/output/part-00000', 'a\t1\n');
  await storage.put('jobs/j/output/_skipped/r-00000.jsonl', '{"task":"r-00000"}\n');
  await storage.put('jobs/j/output/_skipped/m-00001.jsonl', '{"task":"m-00001"}\n');
  const dir = await tempDir();
  const parts = await downloadJobOutput(storage, 'j', { file: join(dir, 'parts.txt') });
  assert.deepEqual(parts.parts, ['part-00000'], 'the parts alone, without --skipped');
  const skipped = await downloadJobOutput(storage, 'j', { file: join(dir, 'skipped.jsonl'), skipped: true });
  assert.deepEqual(skipped.parts, ['m-00001.jsonl', 'r-00000.jsonl']);
  assert.equal(await readFile(join(dir, 'skipped.jsonl'), 'utf8'), '{"task":"m-00001"}\n{"task":"r-00000"}\n');
  await downloadJobOutput(storage, 'j', { dir: join(dir, 'all') });
  assert.deepEqual((await readdir(join(dir, 'all'))).sort(), ['_skipped', 'part-00000']);
  assert.deepEqual((await readdir(join(dir, 'all', '_skipped'))).sort(), ['m-00001.jsonl', 'r-00000.jsonl']);
  await storage.put('jobs/clean/output/part-00000', '');
  await assert.rejects(downloadJobOutput(storage, 'clean', { skipped: true }), (e: GomrError) => /has no skipped records/.test(e.message) && e.exitCode === 2);
  await storage.close();
});
