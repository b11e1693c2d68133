/** --image-pull-secret: both pod templates pull with it, and the manifests stay valid. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { masterJob, workersJob, type JobManifestOptions } from '../../src/kube/manifests/index.js';

const o: JobManifestOptions = { namespace: 'gomr', jobId: 'j-1', masterImage: 'r.example/gomr-master:aa', workerImage: 'r.example/gomr-worker:bb', workers: 2 };

test('imagePullSecrets name the secret on the master and worker pods, and validate', () => {
  for (const job of [masterJob({ ...o, imagePullSecret: 'regcred' }), workersJob({ ...o, imagePullSecret: 'regcred' })]) {
    assert.deepEqual(job.spec!.template.spec!.imagePullSecrets, [{ name: 'regcred' }]);
    assert.doesNotThrow(() => new Job(job as never).validate());
  }
});

test('without the flag the pods carry no imagePullSecrets', () => {
  for (const job of [masterJob(o), workersJob(o)]) assert.equal(job.spec!.template.spec!.imagePullSecrets, undefined);
});
