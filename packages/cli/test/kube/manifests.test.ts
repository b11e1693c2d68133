/**
 * Every object the CLI sends to a cluster validates against the Kubernetes schemas
 * (kubernetes-models, offline), and hangs together: selectors match pod labels, every Secret,
 * key and volume claim referenced exists among the objects gomr creates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject, V1Job, V1Deployment, V1PodTemplateSpec, V1Secret, V1Service } from '@kubernetes/client-node';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { jobManifests, masterJob, storageRetryEnv, storeManifests, workersJob, type JobManifestOptions } from '../../src/kube/manifests/index.js';

const validators: Record<string, (o: any) => { validate(): void }> = {
  'v1/Namespace': (o) => new Namespace(o),
  'v1/Secret': (o) => new Secret(o),
  'v1/Service': (o) => new Service(o),
  'v1/PersistentVolumeClaim': (o) => new PersistentVolumeClaim(o),
  'apps/v1/Deployment': (o) => new Deployment(o),
  'batch/v1/Job': (o) => new Job(o),
};

const jobOptions: JobManifestOptions = {
  namespace: 'gomr',
  jobId: '20261122-231502-3f9a',
  masterImage: 'gomr-master:0123456789ab',
  workerImage: 'registry.example:5000/gomr-worker:ba9876543210',
  workers: 3,
};
const secretData = { storageJson: '{"kind":"s3"}', token: 'secret-token' };

/** Every configuration the CLI can produce: defaults, and every option set. */
function everyObject(): KubernetesObject[] {
  return [
    ...storeManifests({ namespace: 'gomr' }, { accessKey: 'ak', secretKey: 'sk' }),
    ...storeManifests({ namespace: 'team-a', image: 'minio/minio:custom', volumeSize: '50Gi', storageClass: 'fast' }, { accessKey: 'a', secretKey: 'b' }),
    ...jobManifests(jobOptions, secretData),
    ...jobManifests(
      {
        ...jobOptions, workers: 1, imagePullPolicy: 'Always', spillBytes: 1 << 20, masterLingerMs: 0, workerResources: { cpu: '2', memory: '1Gi', memoryLimit: '2Gi' },
        storageEnv: { GOMR_STORAGE_RETRY_BUDGET_MS: '60000', GOMR_STORAGE_LOG_RETRIES: '0' },
      },
      secretData,
    ),
  ];
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

test('every manifest validates against the Kubernetes schemas', () => {
  const objects = everyObject();
  assert.ok(objects.length >= 18);
  for (const o of objects) {
    const key = `${o.apiVersion}/${o.kind}`;
    const make = validators[key];
    assert.ok(make, `no schema for ${key}`);
    assert.doesNotThrow(() => make(o).validate(), `${key} ${o.metadata?.name}`);
    assert.match(o.metadata!.name!, dns1123Label, `${key} name`);
    assert.ok(o.metadata!.name!.length <= 63, `${key} name too long`);
    assert.equal(o.metadata!.labels?.['app.kubernetes.io/managed-by'], 'gomr', `${key} ${o.metadata?.name} must carry the managed-by label (gomr down deletes by it)`);
  }
});

test('the validator rejects a broken manifest (the check can fail)', () => {
  const [, , , deployment] = storeManifests({ namespace: 'gomr' }, { accessKey: 'a', secretKey: 'b' }) as [unknown, unknown, unknown, V1Deployment];
  (deployment.spec!.template.spec!.containers[0]!.ports![0] as { containerPort: unknown }).containerPort = 'nine thousand';
  assert.throws(() => new Deployment(deployment as any).validate(), /containerPort/);
});

function podTemplates(objects: KubernetesObject[]): { owner: string; template: V1PodTemplateSpec; selector: Record<string, string> | undefined }[] {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => {
      const spec = (o as V1Deployment | V1Job).spec!;
      return { owner: `${o.kind}/${o.metadata!.name}`, template: spec.template, selector: spec.selector?.matchLabels };
    });
}

test('selectors match pod labels, and every reference points at an object gomr creates', () => {
  for (const objects of [
    [...storeManifests({ namespace: 'gomr' }, { accessKey: 'a', secretKey: 'b' }), ...jobManifests(jobOptions, secretData)],
  ]) {
    const templates = podTemplates(objects);
    const secrets = new Map(
      objects.filter((o): o is V1Secret => o.kind === 'Secret').map((s) => [s.metadata!.name!, Object.keys(s.stringData ?? {})]),
    );
    const claims = new Set(objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata!.name!));
    for (const t of templates) {
      const labels = t.template.metadata!.labels!;
      for (const [k, v] of Object.entries(t.selector ?? {})) assert.equal(labels[k], v, `${t.owner}: selector ${k}`);
      const pod = t.template.spec!;
      for (const c of pod.containers) {
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (ref) assert.ok(secrets.get(ref.name!)?.includes(ref.key), `${t.owner}: env ${e.name} refers to missing ${ref.name}/${ref.key}`);
        }
        for (const m of c.volumeMounts ?? []) assert.ok(pod.volumes?.some((v) => v.name === m.name), `${t.owner}: mount ${m.name}`);
      }
      for (const v of pod.volumes ?? []) {
        if (v.secret) {
          assert.ok(secrets.has(v.secret.secretName!), `${t.owner}: volume secret ${v.secret.secretName}`);
          for (const item of v.secret.items ?? []) assert.ok(secrets.get(v.secret.secretName!)!.includes(item.key));
        }
        if (v.persistentVolumeClaim) assert.ok(claims.has(v.persistentVolumeClaim.claimName), `${t.owner}: claim`);
      }
    }
    // Every Service selects the pods of exactly one template.
    for (const s of objects.filter((o): o is V1Service => o.kind === 'Service')) {
      const sel = s.spec!.selector!;
      const matching = templates.filter((t) => Object.entries(sel).every(([k, v]) => t.template.metadata!.labels![k] === v));
      assert.equal(matching.length, 1, `Service ${s.metadata!.name} selects ${matching.map((m) => m.owner).join(', ') || 'nothing'}`);
      const ports = matching[0]!.template.spec!.containers.flatMap((c) => c.ports ?? []).map((p) => p.containerPort);
      for (const p of s.spec!.ports!) assert.ok(ports.includes(p.targetPort as number), `Service ${s.metadata!.name} port ${p.targetPort}`);
    }
  }
});

test('workers reach the master through its Service, and share its secret token', () => {
  const [secret, master, service, workers] = jobManifests(jobOptions, secretData) as [V1Secret, V1Job, V1Service, V1Job];
  const env = Object.fromEntries(workers.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e]));
  assert.equal(env.GOMR_MASTER!.value, `${service.metadata!.name}:${service.spec!.ports![0]!.port}`);
  assert.equal(env.GOMR_TOKEN!.valueFrom!.secretKeyRef!.name, secret.metadata!.name);
  assert.equal(workers.spec!.completions, 3);
  assert.equal(workers.spec!.parallelism, 3);
  assert.equal(workers.spec!.completionMode, 'Indexed');
  assert.equal(master.spec!.backoffLimit, 3, 'a failed master is replaced; the new one resumes');
  const masterEnv = Object.fromEntries(master.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value]));
  assert.equal(masterEnv.GOMR_MASTER_ADDRESS, `0.0.0.0:${service.spec!.ports![0]!.targetPort}`);
  // The credentials never appear in a pod spec in clear.
  assert.doesNotMatch(JSON.stringify([master, workers]), /secret-token/);
});

test('deploy/*.yaml are what the code produces, and validate too', async () => {
  const { spawnSync } = await import('node:child_process');
  const { deployFiles } = await import('../../src/kube/manifests/deploy-files.js');
  const { repoRoot } = await import('../support/run-gomr.js');
  const r = spawnSync(process.execPath, ['scripts/gen-deploy-manifests.mjs', '--check'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const { objects } of Object.values(deployFiles())) {
    for (const o of objects) validators[`${o.apiVersion}/${o.kind}`]!(o).validate();
  }
});

test("the storage retry settings of gomr start's environment reach the master and the workers", () => {
  const env = {
    GOMR_STORAGE_RETRY_BUDGET_MS: '120000', GOMR_STORAGE_RETRY_ATTEMPTS: '20', GOMR_STORAGE_RETRY_BASE_MS: '50', GOMR_STORAGE_RETRY_MAX_MS: '2000',
    GOMR_STORAGE_REQUEST_TIMEOUT_MS: '10000', GOMR_STORAGE_LOG_RETRIES: '0', GOMR_STORAGE_RETRY_EMPTY: '', GOMR_S3_SECRET_KEY: 'not this', HOME: '/root',
  };
  const storageEnv = storageRetryEnv(env);
  assert.deepEqual(Object.keys(storageEnv).sort(), [
    'GOMR_STORAGE_LOG_RETRIES', 'GOMR_STORAGE_REQUEST_TIMEOUT_MS', 'GOMR_STORAGE_RETRY_ATTEMPTS', 'GOMR_STORAGE_RETRY_BASE_MS',
    'GOMR_STORAGE_RETRY_BUDGET_MS', 'GOMR_STORAGE_RETRY_MAX_MS',
  ]);
  assert.deepEqual(storageRetryEnv({}), {});
  for (const job of [masterJob({ ...jobOptions, storageEnv }), workersJob({ ...jobOptions, storageEnv })]) {
    const vars = Object.fromEntries(job.spec!.template.spec!.containers[0]!.env!.map((e) => [e.name, e.value]));
    for (const [k, v] of Object.entries(storageEnv)) assert.equal(vars[k], v, `${job.metadata!.name} ${k}`);
    assert.equal(vars.GOMR_S3_SECRET_KEY, undefined);
    assert.doesNotThrow(() => new Job(job as any).validate());
  }
  // Without them, the pods get none (the deploy/ files show no such variables).
  const plain = masterJob(jobOptions).spec!.template.spec!.containers[0]!.env!.map((e) => e.name);
  assert.ok(!plain.some((n) => n.startsWith('GOMR_STORAGE_')));
});
