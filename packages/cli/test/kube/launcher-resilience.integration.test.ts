/**
 * The launcher when something ordinary goes wrong, against the fake API server (objects whose
 * status a test sets as a cluster would report it), s3rver and a fake master: a master that
 * stops answering, stuck pods (image, crash loop, exec format error, unschedulable), a namespace
 * still Terminating, a deploy that fails half way. Items of issue 11: 2, 8, 9, 10, 15.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { readFile, writeFile } from 'node:fs/promises';
import { GomrError } from '../../src/errors.js';
import { startFlakyProxy } from '../support/flaky-proxy.js';
import { start, world, type World } from '../support/launcher-world.js';

/** Sets the status of the pods whose name starts with `prefix` as soon as they exist. */
function whenPods(w: World, prefix: string, status: object): void {
  const timer = setInterval(() => {
    for (const p of w.kube.list('pods')) if (p.metadata.name.startsWith(prefix)) p.status = structuredClone(status);
  }, 5);
  w.stops.push(() => clearInterval(timer));
}

const waiting = (reason: string, message: string, lastState?: object) => ({
  phase: 'Pending',
  conditions: [{ type: 'PodScheduled', status: 'True' }],
  containerStatuses: [{ name: 'c', ready: false, restartCount: 3, state: { waiting: { reason, message } }, ...(lastState ? { lastState } : {}) }],
});

async function withWorld(states: Record<string, unknown>[] | undefined, body: (w: World) => Promise<void>) {
  const w = await world({}, states);
  try {
    await body(w);
  } finally {
    for (const s of w.stops) s();
    await w.stop();
  }
}

test('a master that stops answering while its Job is active: the forward is reopened, the workers stay, the job succeeds', async () => {
  const states = [{ state: 'MAPPING' }, { state: 'MAPPING' }, { state: 'MAPPING' }, { state: 'SUCCEEDED' }];
  await withWorld(states, async (w) => {
    let deployed!: () => void;
    const isDeployed = new Promise<void>((r) => (deployed = r));
    const { run, lines } = start(w, { jobId: 'job-blip', silenceMs: 300, onDeployed: () => ((w.masterUnreachable = true), deployed()) });
    await isDeployed;
    // Well past the silence: no port-forward leads to the master.
    await sleep(1500);
    assert.ok(!w.kube.writes().some((x) => x.startsWith('DELETE')), `nothing deleted while the master is silent: ${w.kube.writes().join(', ')}`);
    assert.ok(w.kube.get('jobs', 'gomr-workers-job-blip'));
    w.masterUnreachable = false;
    const r = await run;
    assert.equal(r.status.state, 'SUCCEEDED');
    // Said once for the whole silence (several 300 ms rounds), not once a round.
    assert.equal(lines.filter((l) => /no answer from the master of job job-blip .* reopening the port-forward/.test(l)).length, 1, lines.join('\n'));
    assert.equal(w.kube.writes().at(-1), 'DELETE jobs/gomr-workers-job-blip');
  });
});

for (const mode of ['503', 'drop'] as const) test(`the API server ${mode === '503' ? 'answering 503' : 'dropping connections'} and the master silent for a while: nothing is removed, the job is followed to its end`, async () => {
  const states = [{ state: 'MAPPING' }, { state: 'MAPPING' }, { state: 'MAPPING' }, { state: 'SUCCEEDED' }];
  await withWorld(states, async (w) => {
    const proxy = await startFlakyProxy(w.kube.url);
    w.stops.push(() => void proxy.stop());
    await writeFile(w.kubeconfig, (await readFile(w.kubeconfig, 'utf8')).replace(w.kube.url, proxy.url));
    let deployed!: () => void;
    const isDeployed = new Promise<void>((r) => (deployed = r));
    const { run, lines } = start(w, {
      jobId: `job-api${mode}`, silenceMs: 300,
      onDeployed: () => {
        w.masterUnreachable = true;
        proxy.mode = mode;
        deployed();
      },
    });
    await isDeployed;
    await sleep(2000);
    const writesDuring = w.kube.writes();
    w.masterUnreachable = false;
    proxy.mode = 'ok';
    assert.equal((await run).status.state, 'SUCCEEDED');
    assert.ok(proxy.refused > 0);
    assert.ok(!writesDuring.some((x) => x.startsWith('DELETE')), writesDuring.join(', '));
    assert.equal(lines.filter((l) => /(answered HTTP 503|cannot reach the cluster at) .*; still trying/.test(l)).length, 1, lines.join('\n'));
    assert.equal(w.kube.writes().at(-1), `DELETE jobs/gomr-workers-job-api${mode}`);
  });
});

test('a master Job deleted while the CLI cannot reach the master: the job is lost, its workers removed', async () => {
  await withWorld([{ state: 'MAPPING' }], async (w) => {
    let deployed!: () => void;
    const isDeployed = new Promise<void>((r) => (deployed = r));
    const { run } = start(w, { jobId: 'job-lost', silenceMs: 300, onDeployed: () => ((w.masterUnreachable = true), deployed()) });
    await isDeployed;
    await sleep(600);
    w.kube.objects.delete('jobs/gomr/gomr-master-job-lost');
    await assert.rejects(run, (err: GomrError) => {
      assert.match(err.message, /^lost job job-lost: its master Job was deleted/);
      return true;
    });
    assert.equal(w.kube.writes().at(-1), 'DELETE jobs/gomr-workers-job-lost');
  });
});

test('MinIO whose image cannot be pulled: an error with the pod\'s reason and message within seconds, not at the timeout', async () => {
  await withWorld(undefined, async (w) => {
    whenPods(w, 'gomr-minio-', waiting('ImagePullBackOff', 'Back-off pulling image "quay.io/minio/minio:nope"'));
    const t0 = Date.now();
    await assert.rejects(start(w, { minioTimeoutMs: 60_000 }).run, (err: GomrError) => {
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /^MinIO cannot start in namespace gomr: pod gomr-minio-7d9f8-abcde: ImagePullBackOff: Back-off pulling image "quay.io\/minio\/minio:nope"/);
      return true;
    });
    const ms = Date.now() - t0;
    assert.ok(ms < 15_000, `reported after ${ms} ms`);
    assert.ok(!w.kube.writes().includes('POST jobs'));
  });
});

/** A Job pod (restartPolicy Never) whose container could not start: it fails, it does not loop. */
const startError = {
  phase: 'Failed',
  containerStatuses: [{
    name: 'c', ready: false, restartCount: 0,
    state: { terminated: { exitCode: 128, reason: 'StartError', message: 'failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "node": exec format error' } },
  }],
};

test('MinIO pods that cannot be created (FailedCreate on its ReplicaSet): said at once, and in the error at the timeout', async () => {
  await withWorld(undefined, async (w) => {
    // A quota of no pods: admission refuses every pod the ReplicaSet controller asks for.
    w.kube.seed('resourcequotas', 'gomr', { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute' }, spec: { hard: { pods: '0' } } });
    const { run, lines } = start(w, { minioTimeoutMs: 1500 });
    await assert.rejects(run, (err: GomrError) => {
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /^MinIO was not ready after 2 s in namespace gomr: no pod was created; ReplicaSet gomr-minio-7d9f8: FailedCreate: Error creating: pods "gomr-minio-7d9f8-abcde" is forbidden: exceeded quota: compute, requested: pods=1, used: pods=0, limited: pods=0/);
      return true;
    });
    assert.equal(lines.filter((l) => /MinIO: ReplicaSet gomr-minio-7d9f8: FailedCreate: .*exceeded quota/.test(l)).length, 1, lines.join('\n'));
  });
});

test('a master image for another CPU (exec format error): the master cannot start, said at once', async () => {
  await withWorld(undefined, async (w) => {
    whenPods(w, 'gomr-master-', startError);
    const t0 = Date.now();
    await assert.rejects(start(w, { jobId: 'job-arm' }).run, (err: GomrError) => {
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /^the master of job job-arm cannot start: pod gomr-master-job-arm-\S+: StartError: .*exec format error \(an image built for another CPU than the node's\?\)/);
      return true;
    });
    assert.ok(Date.now() - t0 < 15_000);
    assert.equal(w.kube.writes().at(-1), 'DELETE jobs/gomr-workers-job-arm');
  });
});

test('worker pods that fail to start (exec format error), none registered: the job ends at once with why', async () => {
  await withWorld([{ state: 'MAPPING', workers: [] }], async (w) => {
    whenPods(w, 'gomr-workers-', startError);
    await assert.rejects(start(w, { jobId: 'job-armw', workerCheckMs: 200 }).run, (err: GomrError) => {
      assert.match(err.message, /^no worker of job job-armw can run: pod gomr-workers-job-armw-\d-\S+: StartError: .*exec format error/);
      return true;
    });
  });
});

test('a workers Job that Kubernetes gave up on (BackoffLimitExceeded): the job ends with the Job\'s reason', async () => {
  await withWorld([{ state: 'MAPPING', workers: [{ workerId: 'w-1', state: 'busy' }] }], async (w) => {
    const timer = setInterval(() => {
      const job = w.kube.get('jobs', 'gomr-workers-job-gaveup');
      if (job) job.status = { failed: 7, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] };
    }, 5);
    w.stops.push(() => clearInterval(timer));
    await assert.rejects(start(w, { jobId: 'job-gaveup', workerCheckMs: 200 }).run, (err: GomrError) => {
      assert.equal(err.exitCode, 6);
      assert.match(err.message, /^the workers of job job-gaveup failed: Job gomr-workers-job-gaveup: BackoffLimitExceeded: Job has reached the specified backoff limit/);
      return true;
    });
    assert.equal(w.kube.writes().at(-1), 'DELETE jobs/gomr-workers-job-gaveup');
  });
});

test('workers whose image cannot be pulled, and no worker registered: the job ends with what is wrong instead of RUNNING forever', async () => {
  await withWorld([{ state: 'MAPPING', workers: [] }], async (w) => {
    whenPods(w, 'gomr-workers-', waiting('ErrImagePull', 'pull access denied for gomr-worker, repository does not exist'));
    const t0 = Date.now();
    const { run, lines } = start(w, { jobId: 'job-nopull', workerCheckMs: 200 });
    await assert.rejects(run, (err: GomrError) => {
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /^no worker of job job-nopull can run: pod gomr-workers-job-nopull-0-\S+: ErrImagePull: pull access denied/);
      return true;
    });
    assert.ok(Date.now() - t0 < 20_000);
    assert.ok(lines.some((l) => /workers: pod gomr-workers-job-nopull-\d-\S+: ErrImagePull/.test(l)), lines.join('\n'));
    assert.equal(w.kube.writes().at(-1), 'DELETE jobs/gomr-workers-job-nopull');
  });
});

test('start right after down --purge: a namespace still Terminating is waited for, then created again', async () => {
  await withWorld(undefined, async (w) => {
    // Terminating, held by a pod that is still going away (its finalizer), as after gomr down --purge.
    const deleting = new Date().toISOString();
    w.kube.seed('namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gomr', deletionTimestamp: deleting }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } });
    w.kube.seed('pods', 'gomr', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'old-minio', deletionTimestamp: deleting, finalizers: ['gomr.test/hold'] }, status: { phase: 'Running' } });
    setTimeout(() => {
      w.kube.objects.delete('pods/gomr/old-minio');
      w.kube.objects.delete('namespaces//gomr');
    }, 1200);
    const { run, lines } = start(w, { jobId: 'job-after-purge' });
    assert.equal((await run).status.state, 'SUCCEEDED');
    assert.ok(lines.some((l) => /namespace gomr is being deleted; waiting for it to be gone/.test(l)), lines.join('\n'));
    assert.equal(w.kube.writes()[0], 'POST namespaces');
  });
});

test('a volume claim that stays Terminating: a clear error after the wait, nothing of the job deployed', async () => {
  await withWorld(undefined, async (w) => {
    w.kube.seed('persistentvolumeclaims', 'gomr', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'gomr-minio-data', deletionTimestamp: new Date().toISOString(), finalizers: ['kubernetes.io/pvc-protection'] } });
    await assert.rejects(start(w, { deletionWaitMs: 1500 }).run, (err: GomrError) => {
      assert.equal(err.exitCode, 7);
      assert.match(err.message, /^PersistentVolumeClaim\/gomr-minio-data is still being deleted after 1500 ms/);
      return true;
    });
    assert.ok(!w.kube.writes().includes('POST jobs'));
  });
});

test('a deploy that fails half way deletes what it created', async () => {
  await withWorld(undefined, async (w) => {
    // Another object already holds the workers Job's name: creating it fails with 409.
    w.kube.seed('jobs', 'gomr', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'gomr-workers-job-half' }, spec: {} });
    await assert.rejects(start(w, { jobId: 'job-half' }).run, /creating Job\/gomr-workers-job-half failed \(HTTP 409\)/);
    const writes = w.kube.writes();
    assert.deepEqual(writes.slice(writes.indexOf('POST jobs')), [
      'POST jobs', 'POST secrets', 'POST services', 'POST jobs', 'DELETE services/gomr-master-job-half', 'DELETE secrets/gomr-job-job-half', 'DELETE jobs/gomr-master-job-half',
    ]);
    for (const [kind, name] of [['jobs', 'gomr-master-job-half'], ['secrets', 'gomr-job-job-half'], ['services', 'gomr-master-job-half']]) assert.equal(w.kube.get(kind!, name!), undefined, name);
  });
});
