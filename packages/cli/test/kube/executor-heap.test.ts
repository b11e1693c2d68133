/**
 * --executor-heap-mb on Kubernetes: the worker pods get GOMR_EXECUTOR_HEAP_MB, and a memory
 * limit that can hold that heap; the manifests still validate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { V1Container } from '@kubernetes/client-node';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { GomrError } from '../../src/errors.js';
import {
  checkWorkerMemoryLimit, masterJob, memoryQuantityBytes, workerMemoryLimit, workersJob, type JobManifestOptions,
} from '../../src/kube/manifests/index.js';

const jobOptions: JobManifestOptions = {
  namespace: 'gomr',
  jobId: '20261122-231502-3f9a',
  masterImage: 'gomr-master:0123456789ab',
  workerImage: 'gomr-worker:ba9876543210',
  workers: 2,
};

function container(job: ReturnType<typeof workersJob>): V1Container {
  return job.spec!.template.spec!.containers[0]!;
}
const envOf = (c: V1Container) => Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value]));

test('the worker pods get GOMR_EXECUTOR_HEAP_MB and a memory limit of the heap + 512Mi; the master neither', () => {
  const workers = workersJob({ ...jobOptions, executorHeapMb: 3000 });
  const c = container(workers);
  assert.equal(envOf(c).GOMR_EXECUTOR_HEAP_MB, '3000');
  assert.equal(c.resources!.limits!.memory, '3512Mi');
  assert.equal(c.resources!.requests!.memory, '512Mi', 'the request stays (scheduling), only the limit must hold the heap');
  assert.doesNotThrow(() => new Job(workers as any).validate());
  const master = container(masterJob({ ...jobOptions, executorHeapMb: 3000 }));
  assert.equal(envOf(master).GOMR_EXECUTOR_HEAP_MB, undefined);
  assert.equal(master.resources!.limits!.memory, '512Mi');
});

test('without the flag: no variable, the 1Gi limit (deploy/job.yaml unchanged)', () => {
  const c = container(workersJob(jobOptions));
  assert.equal(envOf(c).GOMR_EXECUTOR_HEAP_MB, undefined);
  assert.equal(c.resources!.limits!.memory, '1Gi');
});

test('a small heap keeps the 1Gi limit; a --worker-memory-limit given is kept as it is', () => {
  assert.equal(container(workersJob({ ...jobOptions, executorHeapMb: 256 })).resources!.limits!.memory, '1Gi');
  assert.equal(workerMemoryLimit(undefined, 512), '1Gi');
  assert.equal(workerMemoryLimit(undefined, 513), '1025Mi');
  const given = workersJob({ ...jobOptions, executorHeapMb: 3000, workerResources: { memoryLimit: '8Gi' } });
  assert.equal(container(given).resources!.limits!.memory, '8Gi');
  assert.equal(envOf(container(given)).GOMR_EXECUTOR_HEAP_MB, '3000');
});

test('memory quantities are read as Kubernetes reads them', () => {
  assert.equal(memoryQuantityBytes('1Gi'), 2 ** 30);
  assert.equal(memoryQuantityBytes('1536Mi'), 1536 * 2 ** 20);
  assert.equal(memoryQuantityBytes('1.5Gi'), 1.5 * 2 ** 30);
  assert.equal(memoryQuantityBytes('2G'), 2e9);
  assert.equal(memoryQuantityBytes('2e9'), 2e9);
  assert.equal(memoryQuantityBytes('1073741824'), 2 ** 30);
  assert.equal(memoryQuantityBytes('500k'), 5e5);
  assert.equal(memoryQuantityBytes('lots'), undefined);
  assert.equal(memoryQuantityBytes('1gi'), undefined);
});

test('a --worker-memory-limit not above --executor-heap-mb is refused (exit 2); anything above, or unread, passes', () => {
  const refused = (limit: string, heap: number) =>
    assert.throws(() => checkWorkerMemoryLimit(limit, heap), (err: GomrError) => {
      assert.equal(err.exitCode, 2);
      assert.match(err.message, new RegExp(`^--worker-memory-limit ${limit} is not above --executor-heap-mb ${heap}: .* e\\.g\\. ${heap + 512}Mi`));
      return true;
    });
  refused('2Gi', 2048);
  refused('1G', 2048);
  refused('3000Mi', 3000);
  assert.doesNotThrow(() => checkWorkerMemoryLimit('3001Mi', 3000));
  assert.doesNotThrow(() => checkWorkerMemoryLimit('4Gi', 3000));
  assert.doesNotThrow(() => checkWorkerMemoryLimit('2Gi', undefined));
  assert.doesNotThrow(() => checkWorkerMemoryLimit(undefined, 3000));
  assert.doesNotThrow(() => checkWorkerMemoryLimit('weird', 3000), 'the API server judges what this cannot read');
});
