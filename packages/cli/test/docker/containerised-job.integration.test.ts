/**
 * Real Docker: builds the master and worker images with dockerode from Dockerfile.master and
 * Dockerfile.worker (on the locally made base image), then runs a whole job in containers,
 * one master and two workers on host networking, with the S3 backend against s3rver on
 * 127.0.0.1, and compares the output with an independent word count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Docker from 'dockerode';
import { MasterConnection, type JobStatus__Output } from '@gomr/proto';
import { openStorage } from '@gomr/storage';
import { startS3rver } from '@gomr/storage/testing';
import { buildImageSet } from '../../src/docker/image-set.js';
import { dockerUnavailable, TEST_BASE_IMAGE } from '../support/docker-available.js';
import { countWords, repoRoot, tempDir } from '../support/run-gomr.js';

const skip = await dockerUnavailable();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

async function logsOf(c: Docker.Container): Promise<string> {
  const buf = (await c.logs({ stdout: true, stderr: true, tail: 30 }).catch(() => Buffer.alloc(0))) as Buffer;
  // Multiplexed stream: 8-byte frame headers before each chunk; keep the printable text.
  return buf.toString('utf8').replace(/[\x00-\x08]/g, '');
}

test('images build with dockerode, and a whole job runs in containers', { skip, timeout: 240_000 }, async () => {
  const docker = new Docker();
  const home = await tempDir('gomr-docker-');
  const workerFile = join(repoRoot, 'examples/wordcount/worker.ts');

  const t0 = Date.now();
  const images = await buildImageSet(docker, { workerFile, baseImage: TEST_BASE_IMAGE, buildDir: join(home, 'build') });
  const buildMs = Date.now() - t0;
  assert.match(images.master.tag, /^gomr-master:[0-9a-f]{16}$/);
  assert.match(images.worker.tag, /^gomr-worker:[0-9a-f]{16}$/);
  // Same worker, same gomr: same tags, nothing rebuilt.
  const again = await buildImageSet(docker, { workerFile, baseImage: TEST_BASE_IMAGE, buildDir: join(home, 'build') });
  assert.deepEqual([again.master, again.worker], [{ tag: images.master.tag, built: false }, { tag: images.worker.tag, built: false }]);
  const info = await docker.getImage(images.worker.tag).inspect();
  assert.equal(info.Config.Labels['gomr.dev/component'], 'worker');

  const s3 = await startS3rver();
  const containers: Docker.Container[] = [];
  try {
    const jobId = 'docker-job-1';
    const storage = await openStorage(s3.config);
    const inputs = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(repoRoot, 'examples/data', f));
    const specInputs = [];
    for (const path of inputs) {
      const name = path.split('/').pop()!;
      const key = `jobs/${jobId}/input/${name}`;
      const body = await readFile(path);
      await storage.put(key, body);
      specInputs.push({ key, name, size: body.length });
    }
    const token = 'docker-test-token';
    const port = await freePort();
    const specDir = join(home, 'spec');
    await mkdir(specDir);
    await writeFile(
      join(specDir, 'spec.json'),
      JSON.stringify({ jobId, token, workerFile: 'worker.ts', inputs: specInputs, inputStorage: s3.config, storage: s3.config, maps: 4, reducers: 2 }),
    );
    // The containers run as uid 1000: the mounted spec must be readable by it.
    await chmod(home, 0o755);
    await chmod(specDir, 0o755);
    await chmod(join(specDir, 'spec.json'), 0o644);

    const master = await docker.createContainer({
      Image: images.master.tag,
      Env: ['GOMR_JOB_SPEC=/etc/gomr/spec.json', `GOMR_MASTER_ADDRESS=127.0.0.1:${port}`, 'GOMR_STATUS_ADDRESS=127.0.0.1:0'],
      HostConfig: { NetworkMode: 'host', Binds: [`${specDir}:/etc/gomr:ro`] },
      Labels: { 'gomr.dev/test': 'containerised-job' },
    });
    containers.push(master);
    await master.start();
    for (let i = 0; i < 2; i++) {
      const worker = await docker.createContainer({
        Image: images.worker.tag,
        Env: [`GOMR_MASTER=127.0.0.1:${port}`, `GOMR_TOKEN=${token}`, `GOMR_STORAGE_JSON=${JSON.stringify(s3.config)}`],
        HostConfig: { NetworkMode: 'host' },
        Labels: { 'gomr.dev/test': 'containerised-job' },
      });
      containers.push(worker);
      await worker.start();
    }

    const conn = new MasterConnection(`127.0.0.1:${port}`, { deadlineMs: 2000 });
    let status: JobStatus__Output | undefined;
    const deadline = Date.now() + 120_000;
    try {
      while (Date.now() < deadline) {
        status = await conn.getStatus().catch(() => undefined);
        if (status?.state === 'SUCCEEDED' || status?.state === 'FAILED') break;
        const m = await master.inspect();
        if (!m.State.Running) break;
        await sleep(250);
      }
    } finally {
      conn.close();
    }
    const diag = async () => (await Promise.all(containers.map(logsOf))).join('\n----\n');
    assert.equal(status?.state, 'SUCCEEDED', `${status?.error ?? 'no final status'}\n${await diag()}`);
    // A small job can finish before the second worker has registered; that worker still joins
    // and leaves cleanly (checked below from its log), so only one registration is certain here.
    assert.ok(status!.workers.length >= 1, 'a worker container registered');

    const expected = countWords(await Promise.all(inputs.map((f) => readFile(f, 'utf8'))));
    const got = new Map<string, number>();
    assert.deepEqual(status!.outputKeys.map((k) => k.split('/').pop()), ['part-00000', 'part-00001']);
    for (const key of status!.outputKeys) {
      for (const line of (await storage.get(key)).toString('utf8').split('\n')) {
        if (!line) continue;
        const [word, n] = line.split('\t');
        got.set(word!, Number(n));
      }
    }
    assert.deepEqual(got, expected);

    // Workers leave by themselves when the master says the job is over.
    for (const w of containers.slice(1)) {
      const { StatusCode } = (await Promise.race([w.wait(), sleep(20_000, undefined, { ref: false }).then(() => ({ StatusCode: 'still running' }))])) as { StatusCode: unknown };
      assert.equal(StatusCode, 0, await logsOf(w));
      assert.match(await logsOf(w), /registered for job/, 'every worker container reached the master');
    }
    await storage.close();
    process.stderr.write(`# images built in ${buildMs} ms; job ran in containers\n`);
  } finally {
    await Promise.all(containers.map((c) => c.remove({ force: true }).catch(() => {})));
    await s3.stop();
  }
});
