/**
 * `gomr start` with s3:// inputs in a bucket of the cluster's MinIO, as a map-only job writing
 * gzipped JSON lines, end to end on the Docker cluster (test/support/fake-cluster/: the fake
 * API's controllers, pods as real containers, s3rver in MinIO's place). The map tasks read the
 * objects in place through MinIO's Service; `gomr output` gives the records back as text. Then
 * examples/top-words, two steps, whose second step's map tasks read the first's runs in MinIO.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStorage } from '@gomr/storage';
import { startDockerCluster } from '../support/fake-cluster/docker-cluster.js';
import { dockerUnavailable, TEST_BASE_IMAGE } from '../support/docker-available.js';
import { repoRoot, runGomr, tempDir } from '../support/run-gomr.js';

const skip = await dockerUnavailable();
if (skip) process.stderr.write(`# skipping the Docker cluster tests: ${skip}\n`);

const books = ['river.txt', 'lighthouse.txt', 'market.txt'];
const mapOnlyWorker = join(repoRoot, 'packages/cli/test/fixtures/map-only-worker.ts');

test('gomr start on the Docker cluster: s3:// inputs of its MinIO as a map-only job of gzipped JSON lines, read in place; then a job of two steps', { skip, timeout: 420_000 }, async () => {
  const cluster = await startDockerCluster();
  const home = await tempDir('gomr-home-');
  try {
    // MinIO first (a job of its own would do too): `gomr up` is not a command, so a tiny job.
    const first = await runGomr(
      ['start', '-i', join(repoRoot, 'examples/data/river.txt'), '-w', '1', '-m', '1', '-r', '0', '--base-image', TEST_BASE_IMAGE, '--quiet', mapOnlyWorker],
      { env: cluster.env, home, timeoutMs: 240_000 },
    );
    assert.equal(first.code, 0, `${first.stderr}\n${cluster.log.join('\n')}`);
    // The user's data goes into a bucket of that MinIO (here straight to its pod's address).
    const minio = cluster.api.list('pods').find((p) => p.metadata.name.startsWith('gomr-minio-'))!;
    const secret = cluster.api.get('secrets', 'gomr-minio-credentials')!;
    const cred = (k: string) => Buffer.from(secret.data[k], 'base64').toString();
    const data = await openStorage({ kind: 's3', endpoint: `http://${minio.status.podIP}:9000`, bucket: 'logs', accessKey: cred('MINIO_ROOT_USER'), secretKey: cred('MINIO_ROOT_PASSWORD') });
    const texts = new Map<string, string>();
    for (const b of books) {
      texts.set(b, await readFile(join(repoRoot, 'examples/data', b), 'utf8'));
      await data.put(`books/${b}`, texts.get(b)!);
    }
    await data.close();

    const start = await runGomr(
      ['start', '-i', 's3://logs/books/', '-w', '2', '-m', '4', '-r', '0', '--output-format', 'jsonl', '--compress', 'gzip', '--base-image', TEST_BASE_IMAGE, mapOnlyWorker],
      { env: cluster.env, home, timeoutMs: 240_000 },
    );
    assert.equal(start.code, 0, `${start.stderr}\n${cluster.log.join('\n')}`);
    assert.match(start.stderr, /inputs: 3 objects in s3:\/\/logs at the cluster's MinIO, read in place \(nothing uploaded\)/);
    const jobId = /gomr output (\S+)/.exec(start.stdout)?.[1];
    assert.ok(jobId, start.stdout);

    const out = join(home, 'result.jsonl');
    const output = await runGomr(['output', jobId, '-o', out], { env: cluster.env, home, timeoutMs: 60_000 });
    assert.equal(output.code, 0, output.stderr);
    // Each input line exactly once, as a key, with its own input's name and its place in the task.
    const got = (await readFile(out, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { key: string; value: string });
    const want = [...texts].flatMap(([name, text]) => text.split('\n').filter((l, i, all) => i < all.length - 1 || l).map((line) => `${name}|${line}`));
    assert.deepEqual(got.map((r) => `${r.value.split(':')[0]}|${r.key}`).sort(), want.sort());
    assert.equal(new Set(got.map((r) => r.value.split(':')[0])).size, books.length);

    // A job of two steps on the same cluster (examples/top-words), its step 2 reading step 1's
    // runs from MinIO in the worker pods, against a count done here.
    const top = await runGomr(
      ['start', ...books.flatMap((b) => ['-i', join(repoRoot, 'examples/data', b)]), '-w', '2', '-m', '3', '-r', '2', '--param', 'n=8', '--base-image', TEST_BASE_IMAGE, '--quiet', join(repoRoot, 'examples/top-words/worker.ts')],
      { env: cluster.env, home, timeoutMs: 240_000 },
    );
    assert.equal(top.code, 0, `${top.stderr}\n${cluster.log.join('\n')}`);
    const topJob = /gomr output (\S+)/.exec(top.stdout)?.[1];
    const topOut = join(home, 'top.txt');
    assert.equal((await runGomr(['output', topJob!, '-o', topOut], { env: cluster.env, home, timeoutMs: 60_000 })).code, 0);
    const counts = new Map<string, number>();
    for (const text of texts.values()) {
      for (const word of text.toLowerCase().split(/[^\p{L}']+/u)) {
        const w = word.replace(/^'+|'+$/g, '');
        if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
      }
    }
    const expected = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 8);
    const ranked = (await readFile(topOut, 'utf8')).split('\n').filter(Boolean).map((l) => l.split('\t'));
    assert.deepEqual(ranked.map(([k, v]) => [k, JSON.parse(v!)]), expected.map((e, i) => [String(i + 1).padStart(2, '0'), e]));
  } finally {
    await cluster.stop();
  }
});
