/**
 * The Kubernetes commands as a user runs them (the real CLI in a child process), against the
 * fake API server: errors before anything happens, `gomr down` with and without --purge,
 * `gomr logs`. No real cluster runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobManifests, storeManifests } from '../../src/kube/manifests/index.js';
import { FakeKubeApi } from '../support/fake-kube-api.js';
import { runGomr, tempDir } from '../support/run-gomr.js';

const resourceOf: Record<string, string> = {
  Namespace: 'namespaces', Secret: 'secrets', PersistentVolumeClaim: 'persistentvolumeclaims',
  Deployment: 'deployments', Service: 'services', Job: 'jobs',
};

/** A namespace as `gomr start` leaves it after one job, plus an object that is not gomr's. */
async function seededCluster(): Promise<{ kube: FakeKubeApi; env: NodeJS.ProcessEnv }> {
  const kube = new FakeKubeApi();
  await kube.start();
  const objects = [
    ...storeManifests({ namespace: 'gomr' }, { accessKey: 'a', secretKey: 'b' }),
    ...jobManifests({ namespace: 'gomr', jobId: 'job-1', masterImage: 'm:1', workerImage: 'w:1', workers: 2 }, { storageJson: '{}', token: 't' }),
  ];
  for (const o of objects) kube.seed(resourceOf[o.kind!]!, o.kind === 'Namespace' ? '' : 'gomr', o);
  const masterJob = kube.get('jobs', 'gomr-master-job-1')!;
  const ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: masterJob.metadata.name, uid: masterJob.metadata.uid, controller: true }];
  kube.seed('pods', 'gomr', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gomr-master-job-1-abc', labels: (objects[6] as any).spec.template.metadata.labels, ownerReferences } });
  kube.seed('secrets', 'gomr', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'not-ours' } });
  const kubeconfig = await kube.writeKubeconfig(await tempDir('gomr-kc-'));
  return { kube, env: { KUBECONFIG: kubeconfig } };
}

test('no kubeconfig, and an unreachable cluster: one line each, exit 7', async () => {
  const dir = await tempDir();
  const none = await runGomr(['start', '-i', 'examples/data/river.txt', 'examples/wordcount/worker.ts'], { env: { KUBECONFIG: join(dir, 'missing') } });
  assert.equal(none.code, 7, none.stderr);
  assert.match(none.stderr, /^gomr: no kubeconfig found \(looked at .*missing\); create a cluster \(kind create cluster, minikube start\) or set KUBECONFIG\n$/);

  const kc = join(dir, 'kc');
  await writeFile(kc, 'apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:9"}\ncontexts:\n- name: kind-x\n  context: {cluster: c, user: u}\ncurrent-context: kind-x\nusers:\n- name: u\n  user: {token: t}\n');
  const down = await runGomr(['down'], { env: { KUBECONFIG: kc } });
  assert.equal(down.code, 7, down.stderr);
  assert.match(down.stderr, /^gomr: cannot reach the cluster at https:\/\/127\.0\.0\.1:9 \(context kind-x\) while listing jobs: .*ECONNREFUSED/m);

  const ctx = await runGomr(['logs', '--context', 'prod'], { env: { KUBECONFIG: kc } });
  assert.equal(ctx.code, 7);
  assert.match(ctx.stderr, /context "prod" is not in .* \(contexts: kind-x\); pick one with --context/);
});

test('gomr down deletes what gomr made and keeps the data; --purge deletes the data and the namespace', async () => {
  const { kube, env } = await seededCluster();
  try {
    const r = await runGomr(['down', '--json'], { env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.deleted.sort(), [
      'Deployment/gomr-minio', 'Job/gomr-master-job-1', 'Job/gomr-workers-job-1', 'Secret/gomr-job-job-1',
      'Service/gomr-master-job-1', 'Service/gomr-minio',
    ]);
    assert.deepEqual(out.kept, ['Secret/gomr-minio-credentials', 'PersistentVolumeClaim/gomr-minio-data']);
    assert.ok(kube.get('persistentvolumeclaims', 'gomr-minio-data'));
    assert.ok(kube.get('secrets', 'not-ours'), 'objects without the label are not touched');
    assert.ok(kube.requests.every((q) => q.method !== 'DELETE' || !q.path.includes('not-ours')));
    // Deleting a Job asks for its pods to go too.
    assert.equal(kube.list('pods').length, 0);

    const purge = await runGomr(['down', '--purge'], { env });
    assert.equal(purge.code, 0, purge.stderr);
    assert.match(purge.stdout, /deleted Secret\/gomr-minio-credentials\ndeleted PersistentVolumeClaim\/gomr-minio-data\ndeleted Namespace\/gomr\n/);
    assert.equal(kube.get('persistentvolumeclaims', 'gomr-minio-data'), undefined);

    const again = await runGomr(['down'], { env });
    assert.equal(again.code, 0);
    assert.match(again.stdout, /nothing of gomr's in namespace gomr/);
  } finally {
    await kube.stop();
  }
});

test("gomr logs prints the newest job's master log; a worker that is gone is a clear error", async () => {
  const { kube, env } = await seededCluster();
  try {
    const r = await runGomr(['logs'], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'log line 1 of gomr-master-job-1-abc\nlog line 2 of gomr-master-job-1-abc\n');
    const w = await runGomr(['logs', 'job-1', '--worker', '1'], { env });
    assert.equal(w.code, 2);
    // No pod: the stored log is read instead, from MinIO, which does not run here.
    assert.match(w.stderr, /^gomr: no pod for the worker 1 of job job-1 in namespace gomr \(workers are removed when the job ends; their logs stay in storage\); and its stored log cannot be read: MinIO was not ready/);
    const missing = await runGomr(['logs', 'job-9'], { env });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no job job-9 in namespace gomr \(newest: job-1\)/);
  } finally {
    await kube.stop();
  }
});
