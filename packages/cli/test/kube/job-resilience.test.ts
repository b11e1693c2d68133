/**
 * What the generated manifests promise when something ordinary happens to a cluster, checked
 * against the Kubernetes docs' rules and schemas (kubernetes-models): disruptions do not count
 * as failures, the master restarts, everything of a job is owned by its master Job, every pod
 * is admissible under Pod Security `restricted`, scratch space is bounded, and Service names do
 * not assume a cluster domain.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubernetesObject, V1Deployment, V1Job, V1PodSpec } from '@kubernetes/client-node';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { jobKeys } from '@gomr/storage';
import {
  DEFAULT_ACTIVE_DEADLINE_S, DEFAULT_MINIO_IMAGE, IGNORE_DISRUPTIONS, jobManifests, MASTER_BACKOFF_LIMIT, masterJob, storeManifests, workersJob,
  type JobManifestOptions,
} from '../../src/kube/manifests/index.js';
import { restrictedViolations } from '../support/pod-security-restricted.js';

const o: JobManifestOptions = { namespace: 'team-a', jobId: 'j1', masterImage: 'm:1', workerImage: 'w:1', workers: 3 };
const podSpecs = (objects: KubernetesObject[]): [string, V1PodSpec][] =>
  objects.filter((x) => x.kind === 'Job' || x.kind === 'Deployment').map((x) => [x.metadata!.name!, (x as V1Job | V1Deployment).spec!.template.spec!]);

test('master and workers: disruptions are ignored (podFailurePolicy), which needs restartPolicy Never; the master may fail and restart', () => {
  for (const job of [masterJob(o), workersJob(o)]) {
    const spec = job.spec!;
    assert.deepEqual(spec.podFailurePolicy, { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] });
    assert.equal(spec.template.spec!.restartPolicy, 'Never', 'podFailurePolicy cannot be used with restartPolicy OnFailure');
    assert.equal(spec.activeDeadlineSeconds, DEFAULT_ACTIVE_DEADLINE_S);
    assert.doesNotThrow(() => new Job(job as any).validate());
  }
  assert.equal(masterJob(o).spec!.backoffLimit, MASTER_BACKOFF_LIMIT);
  assert.ok(MASTER_BACKOFF_LIMIT > 0);
  assert.equal(masterJob({ ...o, activeDeadlineSeconds: 600 }).spec!.activeDeadlineSeconds, 600);
  assert.equal(workersJob({ ...o, activeDeadlineSeconds: 600 }).spec!.activeDeadlineSeconds, 600);
  // The schema knows the rule's shape: a wrong action is refused (the check can fail).
  const bad = structuredClone(masterJob(o)) as any;
  bad.spec.podFailurePolicy = { rules: [{ action: 7, onPodConditions: [{ type: 'DisruptionTarget' }] }] };
  assert.throws(() => new Job(bad).validate());
  assert.equal(IGNORE_DISRUPTIONS.rules.length, 1);
});

test('the master reads its spec from MinIO with the store\'s credentials, and needs no object of its own job to start', () => {
  const master = masterJob(o);
  const pod = master.spec!.template.spec!;
  const env = Object.fromEntries(pod.containers[0]!.env!.map((e) => [e.name, e]));
  assert.equal(env.GOMR_JOB_SPEC_KEY!.value, jobKeys.spec('j1'));
  assert.equal(env.GOMR_STORAGE!.value, 's3');
  assert.equal(env.GOMR_S3_ENDPOINT!.value, 'http://gomr-minio:9000');
  assert.deepEqual(env.GOMR_S3_ACCESS_KEY!.valueFrom, { secretKeyRef: { name: 'gomr-minio-credentials', key: 'MINIO_ROOT_USER' } });
  assert.deepEqual(env.GOMR_S3_SECRET_KEY!.valueFrom, { secretKeyRef: { name: 'gomr-minio-credentials', key: 'MINIO_ROOT_PASSWORD' } });
  assert.equal(pod.volumes, undefined, 'no Secret volume: the job Secret is created after the master Job');
  assert.ok(!JSON.stringify(master).includes('gomr-job-j1'));
});

test('the Secret, the Service and the workers Job are owned by the master Job once its uid is known', () => {
  const owner = { name: 'gomr-master-j1', uid: '1b2c' };
  const [secret, master, service, workers] = jobManifests({ ...o, owner }, { storageJson: '{}', token: 't' });
  for (const x of [secret!, service!, workers!]) {
    assert.deepEqual(x.metadata!.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'gomr-master-j1', uid: '1b2c', blockOwnerDeletion: true }], x.kind);
  }
  assert.equal(master!.metadata!.ownerReferences, undefined);
  assert.equal(workersJob(o).metadata!.ownerReferences, undefined, 'no owner before the master exists');
});

test('every pod gomr creates is admissible under Pod Security restricted, and mounts no service-account token', () => {
  const objects = [...storeManifests({ namespace: 'gomr' }, { accessKey: 'a', secretKey: 'b' }), ...jobManifests(o, { storageJson: '{}', token: 't' })];
  const pods = podSpecs(objects);
  assert.equal(pods.length, 3);
  for (const [name, pod] of pods) {
    assert.deepEqual(restrictedViolations(pod), [], name);
    assert.equal(pod.automountServiceAccountToken, false, name);
  }
  // The checker finds what it should (it can fail): root, no seccomp, escalation allowed.
  const loose: V1PodSpec = { containers: [{ name: 'c', image: 'x', securityContext: { runAsUser: 0 } }], volumes: [{ name: 'h', hostPath: { path: '/' } }] };
  assert.deepEqual(restrictedViolations(loose), [
    'volume h: type hostPath', 'container c: allowPrivilegeEscalation must be false', 'container c: runAsNonRoot must be true', 'container c: runAsUser 0',
    'container c: seccompProfile must be RuntimeDefault or Localhost', 'container c: capabilities must drop ALL',
  ]);
});

test('MinIO: a fully qualified image that exists; scratch space bounded', () => {
  assert.equal(DEFAULT_MINIO_IMAGE, 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z');
  const deployment = storeManifests({ namespace: 'gomr' }, { accessKey: 'a', secretKey: 'b' }).find((x) => x.kind === 'Deployment') as V1Deployment;
  const pod = deployment.spec!.template.spec!;
  assert.equal(pod.containers[0]!.image, DEFAULT_MINIO_IMAGE);
  assert.ok(pod.volumes!.every((v) => !v.emptyDir || v.emptyDir.sizeLimit));
  const custom = storeManifests({ namespace: 'gomr', image: 'registry.local/minio:x' }, { accessKey: 'a', secretKey: 'b' }).find((x) => x.kind === 'Deployment') as V1Deployment;
  assert.equal(custom.spec!.template.spec!.containers[0]!.image, 'registry.local/minio:x');
});

test("workers' /tmp has a size limit and an ephemeral-storage request; Service names are short unless a cluster domain is given", () => {
  const workers = workersJob(o);
  const pod = workers.spec!.template.spec!;
  assert.deepEqual(pod.volumes, [{ name: 'tmp', emptyDir: { sizeLimit: '10Gi' } }]);
  assert.equal(workersJob({ ...o, workerTmpSize: '50Gi' }).spec!.template.spec!.volumes![0]!.emptyDir!.sizeLimit, '50Gi');
  assert.ok(pod.containers[0]!.resources!.requests!['ephemeral-storage']);
  const master = (j: V1Job) => j.spec!.template.spec!.containers[0]!.env!.find((e) => e.name === 'GOMR_MASTER')?.value;
  assert.equal(master(workers), 'gomr-master-j1:7070');
  assert.equal(master(workersJob({ ...o, clusterDomain: 'corp.example' })), 'gomr-master-j1.team-a.svc.corp.example:7070');
  const endpoint = (j: V1Job) => j.spec!.template.spec!.containers[0]!.env!.find((e) => e.name === 'GOMR_S3_ENDPOINT')?.value;
  assert.equal(endpoint(masterJob({ ...o, clusterDomain: 'corp.example' })), 'http://gomr-minio.team-a.svc.corp.example:9000');
  assert.ok(!JSON.stringify([...jobManifests(o, { storageJson: '{}', token: 't' }), ...storeManifests({ namespace: 'gomr' }, { accessKey: 'a', secretKey: 'b' })]).includes('cluster.local'));
});
