/**
 * `gomr start` end to end against the Docker cluster (test/support/fake-cluster/): the real CLI
 * in a child process builds the master and worker images with dockerode (on the local base
 * image), "loads" them into the kind context, creates MinIO (s3rver runs in its pod's place),
 * uploads through real port-forwards, and the fake API's Job controller schedules master and
 * worker pods that the kubelet runs as real containers, reaching each other through Service
 * names mapped to loopback. The output must equal an independent word count, `gomr output`
 * must download it, and `gomr down` must leave no container behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startDockerCluster } from '../support/fake-cluster/docker-cluster.js';
import { dockerUnavailable, TEST_BASE_IMAGE } from '../support/docker-available.js';
import { countWords, repoRoot, runGomr, tempDir } from '../support/run-gomr.js';

const skip = await dockerUnavailable();
if (skip) process.stderr.write(`# skipping the Docker cluster tests: ${skip}\n`);

const inputs = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(repoRoot, 'examples/data', f));
const worker = join(repoRoot, 'examples/wordcount/worker.ts');

function parseOutput(text: string): Map<string, number> {
  const got = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [word, n] = line.split('\t');
    assert.ok(!got.has(word!), `${word} appears twice`);
    got.set(word!, Number(n));
  }
  return got;
}

test('gomr start on the Docker cluster: images, MinIO, upload, job in containers, exact output, gomr output, gomr down', { skip, timeout: 300_000 }, async () => {
  const cluster = await startDockerCluster();
  const home = await tempDir('gomr-home-');
  try {
    const start = await runGomr(
      ['start', ...inputs.flatMap((i) => ['-i', i]), '-w', '2', '-m', '4', '-r', '2', '--base-image', TEST_BASE_IMAGE, '--quiet', worker],
      { env: cluster.env, home, timeoutMs: 240_000 },
    );
    assert.equal(start.code, 0, `${start.stderr}\n${cluster.log.join('\n')}`);
    const jobId = /gomr output (\S+)/.exec(start.stdout)?.[1];
    assert.ok(jobId, start.stdout);
    // Every pod really ran: MinIO (s3rver), a master and two workers as containers.
    const images = cluster.kubelet.started.map((s) => s.image);
    assert.equal(images.filter((i) => i.startsWith('gomr-master:')).length, 1, images.join('\n'));
    assert.equal(images.filter((i) => i.startsWith('gomr-worker:')).length, 2, images.join('\n'));

    const out = join(home, 'result.txt');
    const output = await runGomr(['output', jobId, '-o', out], { env: cluster.env, home, timeoutMs: 60_000 });
    assert.equal(output.code, 0, output.stderr);
    const expected = countWords(await Promise.all(inputs.map((f) => readFile(f, 'utf8'))));
    assert.deepEqual(parseOutput(await readFile(out, 'utf8')), expected);

    const down = await runGomr(['down'], { env: cluster.env, home, timeoutMs: 60_000 });
    assert.equal(down.code, 0, down.stderr);
    // The Jobs' pods leave through graceful deletion; their containers go with them.
    const deadline = Date.now() + 30_000;
    while (cluster.api.list('pods').some((p) => !p.metadata.name.startsWith('gomr-minio-')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(cluster.api.list('pods').map((p) => p.metadata.name).filter((n) => !n.startsWith('gomr-minio-')), []);
    const left = await cluster.kubelet.docker.listContainers({ filters: { label: [`fake.gomr.dev/kubelet=${cluster.kubelet.label}`] } });
    assert.deepEqual(left.map((c) => c.Labels['fake.gomr.dev/pod']), []);
    process.stderr.write(`# gomr start on the Docker cluster: ${start.ms} ms\n`);
  } finally {
    await cluster.stop();
  }
});
