/**
 * The launcher's API conversation with a cluster, against a fake Kubernetes API server
 * (test/support/fake-kube-api.ts): what it reads, creates and deletes, in which order, and the
 * errors a user meets. Image builds are stubbed (the Docker tests build real ones); images are
 * "loaded" by the real kind loader running a fake `kind` script; port-forwards lead to a real
 * s3rver (MinIO's stand-in) and to a fake master answering GetStatus: in the first test through
 * the real port-forwarder and the fake server's port-forward WebSockets, elsewhere through a
 * stub. No real cluster runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStorage } from '@gomr/storage';
import { GomrError } from '../../src/errors.js';
import { IMAGES, inputs, start, world, type World } from '../support/launcher-world.js';
import { repoRoot } from '../support/run-gomr.js';

/** The master Job first: the job's Secret, Service and workers Job name it as their owner. */
const JOB_WRITES = (id: string) => ['POST jobs', 'POST secrets', 'POST services', 'POST jobs', `DELETE jobs/gomr-workers-${id}`];

/** The spec `gomr start` stored in MinIO (specs/<id>.json), where the master reads it. */
async function storedSpec(w: World, id: string, credentials: { accessKey: string; secretKey: string }) {
  const store = await openStorage({ kind: 's3', endpoint: w.s3.endpoint, bucket: 'gomr', ...credentials });
  try {
    return JSON.parse((await store.get(`specs/${id}.json`)).toString('utf8'));
  } finally {
    await store.close();
  }
}

test('first run on an empty cluster creates everything, runs the job, removes the workers; a second run reuses MinIO', async () => {
  const w = await world();
  try {
    // This run uses the real port-forwarder: uploads and GetStatus go through the fake API
    // server's port-forward WebSockets.
    const { run, lines } = start(w, { jobId: 'job-one' }, true);
    const r = await run;
    assert.equal(r.status.state, 'SUCCEEDED', lines.join('\n'));
    assert.equal(r.outputPrefix, 's3://gomr/jobs/job-one/output/');
    assert.deepEqual(w.kube.writes(), [
      'POST namespaces', 'POST secrets', 'POST persistentvolumeclaims', 'POST deployments', 'POST services',
      ...JOB_WRITES('job-one'),
    ]);
    // Root credentials: generated, random, kept in the Secret. Never MinIO's defaults.
    const minioSecret = w.kube.get('secrets', 'gomr-minio-credentials')!;
    const user = Buffer.from(minioSecret.data.MINIO_ROOT_USER, 'base64').toString();
    const password = Buffer.from(minioSecret.data.MINIO_ROOT_PASSWORD, 'base64').toString();
    assert.notEqual(user, 'minioadmin');
    assert.ok(password.length >= 32);
    // The job's spec, in MinIO, names the in-cluster MinIO (its short Service name) with those
    // credentials, and the uploaded inputs.
    const spec = await storedSpec(w, 'job-one', { accessKey: user, secretKey: password });
    assert.deepEqual(spec.storage, { kind: 's3', endpoint: 'http://gomr-minio:9000', bucket: 'gomr', accessKey: user, secretKey: password });
    const jobSecret = w.kube.get('secrets', 'gomr-job-job-one')!;
    assert.deepEqual(JSON.parse(Buffer.from(jobSecret.data['storage.json'], 'base64').toString()), spec.storage);
    // Owned by the master Job (its uid from the create): deleting it deletes them.
    const masterUid = w.kube.get('jobs', 'gomr-master-job-one')!.metadata.uid;
    for (const [kind, name] of [['secrets', 'gomr-job-job-one'], ['services', 'gomr-master-job-one']] as const) {
      assert.deepEqual(w.kube.get(kind, name)!.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'gomr-master-job-one', uid: masterUid, blockOwnerDeletion: true }], name);
    }
    assert.equal(spec.maps, 2);
    assert.equal(spec.reducers, 2);
    const store = await openStorage({ ...spec.storage, endpoint: w.s3.endpoint });
    for (const [n, input] of spec.inputs.entries()) {
      assert.equal(input.key, `jobs/job-one/input/${input.name}`);
      assert.deepEqual(await store.get(input.key), await readFile(inputs[n]!), `${input.key} holds the uploaded file`);
    }
    await store.close();
    // The real kind loader ran `kind load docker-image` with both images, for this cluster.
    assert.equal((await readFile(w.kindLog, 'utf8')).trim(), `load docker-image ${IMAGES.master} ${IMAGES.worker} --name gomr-test`);
    // Workers Job with the built images; deleted at the end, with its pods; the master stays.
    assert.equal(w.kube.list('jobs').length, 1);
    assert.equal(w.kube.get('jobs', 'gomr-master-job-one')!.spec.template.spec.containers[0].image, IMAGES.master);
    assert.equal(w.kube.list('pods').filter((p) => p.metadata.labels['app.kubernetes.io/component'] === 'worker').length, 0);
    const forwards = new Set(w.kube.requests.filter((q) => q.path.endsWith('/portforward')).map((q) => `${q.path.replace(/-x\d+\//, '/')}?ports=${q.query.ports}`));
    assert.deepEqual([...forwards], [
      '/api/v1/namespaces/gomr/pods/gomr-minio-7d9f8-abcde/portforward?ports=9000',
      '/api/v1/namespaces/gomr/pods/gomr-master-job-one-0/portforward?ports=7070',
    ]);
    assert.ok(w.master.calls >= 2);

    // Second run: MinIO is found as it is; only the job's objects are written.
    const before = w.kube.writes().length;
    const second = start(w, { jobId: 'job-two' });
    assert.equal((await second.run).status.state, 'SUCCEEDED');
    assert.deepEqual(w.kube.writes().slice(before), JOB_WRITES('job-two'));
    assert.ok(second.lines.some((l) => /reusing the running MinIO/.test(l)), second.lines.join('\n'));
    const spec2 = await storedSpec(w, 'job-two', { accessKey: user, secretKey: password });
    assert.equal(spec2.storage.accessKey, user, 'the same credentials');
  } finally {
    await w.stop();
  }
});

test('MinIO never ready: a timeout that says why, with the pod\'s events; no job is deployed', async () => {
  const w = await world({
    minioReady: false,
    minioEvents: [
      { type: 'Warning', reason: 'FailedScheduling', message: '0/1 nodes are available: pod has unbound immediate PersistentVolumeClaims' },
    ],
  });
  try {
    const { run } = start(w, { minioTimeoutMs: 1200 });
    await assert.rejects(run, (err: GomrError) => {
      assert.ok(err instanceof GomrError);
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /^MinIO was not ready after 1 s in namespace gomr: pod gomr-minio-7d9f8-abcde: not scheduled/);
      assert.match(err.message, /last event: .*FailedScheduling.*unbound immediate PersistentVolumeClaims/);
      assert.match(err.detail!, /events:\ngomr-minio-7d9f8-abcde: Warning FailedScheduling/);
      return true;
    });
    assert.ok(!w.kube.writes().includes('POST jobs'));
    assert.ok(w.kube.requests.some((r) => r.path === '/api/v1/namespaces/gomr/events' && r.query.fieldSelector === 'involvedObject.name=gomr-minio-7d9f8-abcde'));
  } finally {
    await w.stop();
  }
});

test('image load failing, or kind missing: one clear error, nothing deployed', async () => {
  const w = await world();
  try {
    process.env.FAKE_KIND_FAIL = '1';
    await assert.rejects(start(w).run, (err: GomrError) => {
      assert.equal(err.exitCode, 7);
      assert.equal(err.message, 'kind load docker-image failed: ERROR: no nodes found for cluster "gomr-test"');
      return true;
    });
    delete process.env.FAKE_KIND_FAIL;
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await assert.rejects(start(w).run, /kind is not installed \(or not on PATH\); it is needed to load images into the cluster/);
    } finally {
      process.env.PATH = path;
    }
    assert.ok(!w.kube.writes().includes('POST jobs'));
  } finally {
    delete process.env.FAKE_KIND_FAIL;
    await w.stop();
  }
});

test("a failing job ends with the master's error, and its workers are removed", async () => {
  const w = await world({}, [{ state: 'MAPPING' }, { state: 'FAILED', error: 'map task m-00001 failed 4 times: TypeError: boom' }]);
  try {
    await assert.rejects(start(w, { jobId: 'job-bad' }).run, (err: GomrError) => {
      assert.equal(err.exitCode, 1);
      assert.equal(err.message, 'job job-bad failed: map task m-00001 failed 4 times: TypeError: boom');
      return true;
    });
    assert.equal(w.kube.writes().at(-1), 'DELETE jobs/gomr-workers-job-bad');
  } finally {
    await w.stop();
  }
});

test('Ctrl-C while following detaches: the job and its workers stay, the message says how to re-attach', async () => {
  const w = await world({}, [{ state: 'MAPPING' }]);
  try {
    const abort = new AbortController();
    const storageEnv = { GOMR_STORAGE_RETRY_BUDGET_MS: '90000' };
    const { run } = start(w, { jobId: 'job-long', storageEnv, executorHeapMb: 3000, signal: abort.signal, onDeployed: () => setTimeout(() => abort.abort(), 200) });
    await assert.rejects(run, (err: GomrError) => {
      assert.equal(err.exitCode, 130);
      assert.match(err.message, /^detached; job job-long goes on in namespace gomr\. Re-attach: gomr attach job-long/);
      return true;
    });
    assert.ok(w.kube.get('jobs', 'gomr-workers-job-long'), 'workers keep running');
    // Owned by the master Job: deleting it (kubectl delete job) deletes the workers too.
    assert.equal(w.kube.get('jobs', 'gomr-workers-job-long')!.metadata.ownerReferences[0].uid, w.kube.get('jobs', 'gomr-master-job-long')!.metadata.uid);
    // The storage retry settings reach both containers.
    for (const name of ['gomr-master-job-long', 'gomr-workers-job-long']) {
      const env = w.kube.get('jobs', name)!.spec.template.spec.containers[0].env as { name: string; value?: string }[];
      assert.deepEqual(env.filter((e) => e.name.startsWith('GOMR_STORAGE_RETRY')), [{ name: 'GOMR_STORAGE_RETRY_BUDGET_MS', value: '90000' }], name);
    }
    // --executor-heap-mb reaches the workers' container only, with a memory limit that holds it.
    const workers = w.kube.get('jobs', 'gomr-workers-job-long')!.spec.template.spec.containers[0];
    assert.ok(workers.env.some((e: { name: string; value?: string }) => e.name === 'GOMR_EXECUTOR_HEAP_MB' && e.value === '3000'));
    assert.equal(workers.resources.limits.memory, '3512Mi');
    const masterEnv = w.kube.get('jobs', 'gomr-master-job-long')!.spec.template.spec.containers[0].env as { name: string }[];
    assert.ok(!masterEnv.some((e) => e.name === 'GOMR_EXECUTOR_HEAP_MB'));
    assert.ok(!w.kube.writes().some((x) => x.startsWith('DELETE')));
  } finally {
    await w.stop();
  }
});

test('--file: side files go to MinIO under the job prefix and the spec names them for the workers', async () => {
  const w = await world();
  try {
    const products = join(repoRoot, 'examples/join/products.csv');
    const { run, lines } = start(w, { jobId: 'job-files', files: [products] });
    assert.equal((await run).status.state, 'SUCCEEDED', lines.join('\n'));
    const creds = JSON.parse(Buffer.from(w.kube.get('secrets', 'gomr-job-job-files')!.data['storage.json'], 'base64').toString());
    const spec = await storedSpec(w, 'job-files', { accessKey: creds.accessKey, secretKey: creds.secretKey });
    assert.deepEqual(spec.files, [{ name: 'products.csv', key: 'jobs/job-files/files/products.csv', size: (await readFile(products)).length }]);
    const store = await openStorage({ ...spec.storage, endpoint: w.s3.endpoint });
    assert.deepEqual(await store.get(spec.files[0].key), await readFile(products));
    await store.close();
    await assert.rejects(start(w, { jobId: 'job-nofile', files: [join(w.dir, 'absent.csv')] }).run, (err: unknown) => err instanceof GomrError && /side file not found/.test(err.message));
  } finally {
    await w.stop();
  }
});

test('a job of steps: the spec in MinIO carries each step\'s reduce count, and step 1\'s as its reducers', async () => {
  const w = await world();
  try {
    const { run, lines } = start(w, { jobId: 'job-steps', reducers: 3, steps: [{ reducers: 3 }, { reducers: 1 }] });
    assert.equal((await run).status.state, 'SUCCEEDED', lines.join('\n'));
    const creds = JSON.parse(Buffer.from(w.kube.get('secrets', 'gomr-job-job-steps')!.data['storage.json'], 'base64').toString());
    const spec = await storedSpec(w, 'job-steps', { accessKey: creds.accessKey, secretKey: creds.secretKey });
    assert.deepEqual(spec.steps, [{ reducers: 3 }, { reducers: 1 }]);
    assert.equal(spec.reducers, 3);
  } finally {
    await w.stop();
  }
});

test('--skip-bad-records and --max-skipped-records reach the spec the master reads', async () => {
  const w = await world();
  try {
    const { run, lines } = start(w, { jobId: 'job-skips', skipBadRecords: true, maxSkippedRecords: 5 });
    assert.equal((await run).status.state, 'SUCCEEDED', lines.join('\n'));
    const creds = JSON.parse(Buffer.from(w.kube.get('secrets', 'gomr-job-job-skips')!.data['storage.json'], 'base64').toString());
    const spec = await storedSpec(w, 'job-skips', { accessKey: creds.accessKey, secretKey: creds.secretKey });
    assert.equal(spec.skipBadRecords, true);
    assert.equal(spec.maxSkippedRecords, 5);
  } finally {
    await w.stop();
  }
});
