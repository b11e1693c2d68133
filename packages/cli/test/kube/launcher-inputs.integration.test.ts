/**
 * What `gomr start` tells the master and workers about a job, against the fake API server
 * (test/support/launcher-world.ts, s3rver as the cluster's MinIO, a fake master): the job
 * options of the shared flags reach the spec as `gomr run` writes them, and s3:// inputs are
 * read in place, from a bucket of the cluster's MinIO or from an S3 outside it, with nothing
 * uploaded and the input store's credentials only in the job's Secret.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStorage, type Storage } from '@gomr/storage';
import { startS3rver } from '@gomr/storage/testing';
import { GomrError } from '../../src/errors.js';
import { start, world, type World } from '../support/launcher-world.js';
import { repoRoot } from '../support/run-gomr.js';
import { join } from 'node:path';

async function jobStore(w: World, jobId: string): Promise<{ store: Storage; creds: { accessKey: string; secretKey: string } }> {
  const config = JSON.parse(Buffer.from(w.kube.get('secrets', `gomr-job-${jobId}`)!.data['storage.json'], 'base64').toString());
  const creds = { accessKey: config.accessKey as string, secretKey: config.secretKey as string };
  return { store: await openStorage({ kind: 's3', endpoint: w.s3.endpoint, bucket: 'gomr', ...creds }), creds };
}

async function specOf(w: World, jobId: string) {
  const { store } = await jobStore(w, jobId);
  try {
    return JSON.parse((await store.get(`specs/${jobId}.json`)).toString('utf8'));
  } finally {
    await store.close();
  }
}

/** The workers Jobs as created (the launcher deletes them when the job ends). */
const createdJobs = new Map<string, any>();
const recordJobs = { onCreate: (obj: any) => obj.kind === 'Job' && createdJobs.set(obj.metadata.name, structuredClone(obj)) };

function workerEnv(jobId: string): { name: string; valueFrom?: { secretKeyRef?: { key: string } } }[] {
  return createdJobs.get(`gomr-workers-${jobId}`)!.spec.template.spec.containers[0].env;
}

test('gomr start: the job options reach the spec (map-only, jsonl, gzip, skip-bad-records, timeouts), and defaults are the run defaults', async () => {
  const w = await world(recordJobs);
  try {
    const given = start(w, {
      jobId: 'job-opts', reducers: 0, outputFormat: 'jsonl', outputCompression: 'gzip', skipBadRecords: true,
      taskTimeoutMs: 5000, speculation: false, keepIntermediate: true,
    });
    assert.equal((await given.run).status.state, 'SUCCEEDED', given.lines.join('\n'));
    const spec = await specOf(w, 'job-opts');
    assert.deepEqual(
      { reducers: spec.reducers, outputFormat: spec.outputFormat, outputCompression: spec.outputCompression, skipBadRecords: spec.skipBadRecords, taskTimeoutMs: spec.taskTimeoutMs, speculation: spec.speculation, keepIntermediate: spec.keepIntermediate },
      { reducers: 0, outputFormat: 'jsonl', outputCompression: 'gzip', skipBadRecords: true, taskTimeoutMs: 5000, speculation: false, keepIntermediate: true },
    );
    const plain = start(w, { jobId: 'job-plain' });
    assert.equal((await plain.run).status.state, 'SUCCEEDED');
    const defaults = await specOf(w, 'job-plain');
    assert.deepEqual(
      { outputFormat: defaults.outputFormat, outputCompression: defaults.outputCompression, skipBadRecords: defaults.skipBadRecords, taskTimeoutMs: defaults.taskTimeoutMs, speculation: defaults.speculation, keepIntermediate: defaults.keepIntermediate },
      { outputFormat: 'tsv', outputCompression: 'none', skipBadRecords: false, taskTimeoutMs: 600_000, speculation: true, keepIntermediate: false },
    );
    // Local inputs: one store for everything, no second config anywhere.
    assert.deepEqual(defaults.inputStorage, defaults.storage);
    assert.equal(workerEnv('job-plain').some((e) => e.name === 'GOMR_INPUT_STORAGE_JSON'), false);
    await assert.rejects(start(w, { jobId: 'job-neg', reducers: -1 }).run, (e: unknown) => e instanceof GomrError && /--reducers must be 0/.test(e.message));
  } finally {
    await w.stop();
  }
});

test("gomr start -i s3://bucket/prefix/: a bucket of the cluster's MinIO, listed through the port-forward, read in place by the pods", async () => {
  const w = await world(recordJobs);
  try {
    // A first job creates MinIO (and its credentials); then the user's data lands in a bucket of it.
    assert.equal((await start(w, { jobId: 'job-first' }).run).status.state, 'SUCCEEDED');
    const { creds } = await jobStore(w, 'job-first');
    const data = await openStorage({ kind: 's3', endpoint: w.s3.endpoint, bucket: 'logs', ...creds });
    await data.put('2026/12/a.txt', 'alpha beta\n');
    await data.put('2026/12/b.txt', 'gamma\n'.repeat(10));
    await data.put('2026/12/_SUCCESS', '');
    await data.close();

    const { run, lines } = start(w, { jobId: 'job-s3', inputs: ['s3://logs/2026/12/'] });
    assert.equal((await run).status.state, 'SUCCEEDED', lines.join('\n'));
    assert.ok(lines.some((l) => /\[5\/6\] inputs: 2 objects in s3:\/\/logs at the cluster's MinIO, read in place \(nothing uploaded\)/.test(l)), lines.join('\n'));
    const spec = await specOf(w, 'job-s3');
    assert.deepEqual(spec.inputs, [{ key: '2026/12/a.txt', name: 'a.txt', size: 11 }, { key: '2026/12/b.txt', name: 'b.txt', size: 60 }]);
    // The pods reach MinIO at its Service, never at this machine's forwarded port.
    assert.deepEqual(spec.inputStorage, { kind: 's3', endpoint: 'http://gomr-minio:9000', bucket: 'logs', ...creds });
    const secret = w.kube.get('secrets', 'gomr-job-job-s3')!;
    assert.deepEqual(JSON.parse(Buffer.from(secret.data['input-storage.json'], 'base64').toString()), spec.inputStorage);
    assert.deepEqual(workerEnv('job-s3').find((e) => e.name === 'GOMR_INPUT_STORAGE_JSON')?.valueFrom?.secretKeyRef?.key, 'input-storage.json');
    const { store } = await jobStore(w, 'job-s3');
    assert.deepEqual(await store.list('jobs/job-s3/input/'), [], 'nothing uploaded');
    await store.close();

    await assert.rejects(start(w, { jobId: 'job-nobucket', inputs: ['s3://absent/x/'] }).run, (e: unknown) => e instanceof GomrError && /input bucket absent does not exist/.test(e.message));
    await assert.rejects(start(w, { jobId: 'job-mixed', inputs: ['s3://logs/2026/12/', '/etc/hostname'] }).run, (e: unknown) => e instanceof GomrError && /cannot be mixed with local ones/.test(e.message));
  } finally {
    await w.stop();
  }
});

test('gomr start -i s3://... --s3-endpoint: an S3 outside the cluster, listed before anything is created; its credentials go to the pods in the Secret', async () => {
  const w = await world(recordJobs);
  const outside = await startS3rver({ bucket: 'archive' });
  try {
    const store = await openStorage(outside.config);
    await store.put('logs/day1.txt.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    await store.put('logs/day2.txt', 'hello\n');
    await store.close();
    const access = { endpoint: outside.config.endpoint, accessKey: outside.config.accessKey, secretKey: outside.config.secretKey };

    // A missing bucket is refused before the cluster is touched.
    await assert.rejects(start(w, { jobId: 'job-missing', inputs: ['s3://nothere/logs/'], s3Access: access }).run, (e: unknown) => e instanceof GomrError && /input bucket nothere does not exist/.test(e.message));
    assert.deepEqual(w.kube.writes(), [], 'nothing created in the cluster');

    const { run, lines } = start(w, { jobId: 'job-ext', inputs: ['s3://archive/logs/*.txt*'], s3Access: access });
    assert.equal((await run).status.state, 'SUCCEEDED', lines.join('\n'));
    assert.ok(lines.some((l) => l.includes(`inputs: 2 objects in s3://archive at ${outside.config.endpoint}, read in place`)), lines.join('\n'));
    assert.ok(lines.some((l) => /is this machine's loopback/.test(l)), 'a loopback endpoint is pointed out');
    const spec = await specOf(w, 'job-ext');
    assert.deepEqual(spec.inputStorage, { kind: 's3', endpoint: outside.config.endpoint, bucket: 'archive', ...{ accessKey: access.accessKey, secretKey: access.secretKey } });
    assert.deepEqual(spec.inputs.map((i: { name: string }) => i.name), ['day1.txt.gz', 'day2.txt']);
    const secret = w.kube.get('secrets', 'gomr-job-job-ext')!;
    assert.deepEqual(JSON.parse(Buffer.from(secret.data['input-storage.json'], 'base64').toString()), spec.inputStorage);
    assert.equal(JSON.stringify(createdJobs.get('gomr-workers-job-ext')!.spec).includes(access.secretKey), false, 'no credential in the Job itself');
  } finally {
    await outside.stop();
    await w.stop();
  }
});

test('gomr start --sort total: the local inputs are sampled on this machine and the cut points go into the spec', async () => {
  const w = await world(recordJobs);
  try {
    const workerFile = join(repoRoot, 'examples/wordcount/worker.ts');
    const { run, lines } = start(w, { jobId: 'job-sorted', workerFile, reducers: 3, sortTotal: true });
    assert.equal((await run).status.state, 'SUCCEEDED', lines.join('\n'));
    assert.ok(lines.some((l) => /^sort total: \d+ keys sampled, 2 cut points/.test(l)), lines.join('\n'));
    const spec = await specOf(w, 'job-sorted');
    assert.equal(spec.totalOrder, true);
    assert.equal(spec.cutPoints.length, 2);
    assert.ok(Buffer.compare(Buffer.from(spec.cutPoints[0]), Buffer.from(spec.cutPoints[1])) < 0, `ascending: ${spec.cutPoints}`);
    await assert.rejects(start(w, { jobId: 'job-s0', workerFile, reducers: 0, sortTotal: true }).run, (e: unknown) => e instanceof GomrError && /--sort total needs reducers/.test(e.message));
    await assert.rejects(start(w, { jobId: 'job-s3', workerFile, inputs: ['s3://logs/x'], sortTotal: true }).run, (e: unknown) => e instanceof GomrError && /samples local inputs only/.test(e.message));
  } finally {
    await w.stop();
  }
});

test('a job failed by its storage, runtime or input exits 5, 6 or 3 on the cluster, as on gomr run', async () => {
  for (const [errorKind, code] of [['storage', 5], ['runtime', 6], ['input', 3], ['user', 1]] as const) {
    const w = await world({}, [{ state: 'MAPPING' }, { state: 'FAILED', error: `failed (${errorKind})`, errorKind }]);
    try {
      await assert.rejects(start(w, { jobId: `job-${errorKind}` }).run, (err: unknown) => err instanceof GomrError && err.exitCode === code && /failed \(/.test(err.message));
    } finally {
      await w.stop();
    }
  }
});
