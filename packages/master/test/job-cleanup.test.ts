// The end of a job removes its intermediate data, the multipart uploads of killed writers
// included (on S3), and a cleanup that fails is logged without failing the job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStorage, StorageUnreachableError, type Storage } from '@gomr/storage';
import { S3Storage } from '@gomr/storage/s3';
import { startS3rver } from '@gomr/storage/testing';
import { JobMaster } from '../src/index.js';
import { okReport as ok } from './support/fixtures.js';
import { testSpec } from './support/test-spec.js';
import { tempStore } from './support/temp-store.js';

const JOB = 'job-c';

/** Runs a job of one map and one reduce to its end, the worker reporting both as done. */
async function runJob(storage: Storage, log: string[]): Promise<JobMaster> {
  const spec = testSpec('/unused', { jobId: JOB });
  const master = await JobMaster.open(spec, storage, { livenessCheckMs: 50, log: (line) => log.push(line) });
  const workerId = master.register('h', 1).workerId;
  for (let i = 0; i < 2; i++) {
    const task = master.getTask(workerId);
    assert.equal(task.action, 'RUN');
    await master.reportTask(ok(workerId, task.task!.taskId!, task.task!.attempt!));
  }
  return master;
}

test('on S3, the end of a job aborts the multipart upload a killed writer left in its intermediate data', async () => {
  const s3 = await startS3rver({ multipartApi: true });
  const storage = await openStorage(s3.config);
  // The writer of a worker killed after its first 5 MiB part: the upload stays open.
  const worker = new S3Storage(s3.config, { partSize: 5 * 1024 * 1024 });
  const log: string[] = [];
  let master: JobMaster | undefined;
  try {
    const orphan = await worker.createWriter(`jobs/${JOB}/map/m-00000.a1.part-00000.run`);
    await new Promise<void>((resolve, reject) => orphan.write(Buffer.alloc(5 * 1024 * 1024), (e) => (e ? reject(e) : resolve())));
    assert.equal((await s3.incompleteUploads()).length, 1);
    master = await runJob(storage, log);
    assert.equal(master.status().state, 'SUCCEEDED');
    assert.deepEqual(await s3.incompleteUploads(), [], log.join('\n'));
    assert.deepEqual(await storage.list(`jobs/${JOB}/map/`), []);
  } finally {
    master?.stop();
    await worker.close();
    await storage.close();
    await s3.stop();
  }
});

test('a cleanup that fails is logged, and the job still succeeds', async () => {
  const root = await mkdtemp(join(tmpdir(), 'gomr-cleanup-'));
  const base = await openStorage({ kind: 'local', root });
  const failing = new Proxy(base, {
    get(target, name) {
      if (name === 'deletePrefix') {
        return (prefix: string) => Promise.reject(new StorageUnreachableError(target.describe, new Error('503 SlowDown'), `delete ${prefix}*`, 3, 30_000));
      }
      const value: unknown = Reflect.get(target, name);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const log: string[] = [];
  let master: JobMaster | undefined;
  try {
    master = await runJob(failing, log);
    assert.equal(master.status().state, 'SUCCEEDED');
    const cleanup = log.filter((line) => line.startsWith('cleanup of '));
    assert.deepEqual(cleanup.map((line) => line.split(' failed: ')[0]), [`cleanup of jobs/${JOB}/map/`, `cleanup of jobs/${JOB}/reduce/`]);
    assert.match(cleanup[0]!, /503 SlowDown/);
    assert.ok(log.some((line) => line === `job ${JOB} SUCCEEDED` || line.startsWith(`job ${JOB} SUCCEEDED in`)), log.join('\n'));
  } finally {
    master?.stop();
    await rm(root, { recursive: true, force: true });
  }
});

test('a job a reduce task failed keeps its map runs (gomr replay re-runs the reduce from them); a map failure keeps none', async () => {
  const { cleanupIntermediate } = await import('../src/job-finish.js');
  const { storage, remove } = await tempStore('gomr-cleanup-');
  const spec = testSpec('/unused', { jobId: JOB });
  const keys = [`jobs/${JOB}/map/m-00000.a1.part-00000.run`, `jobs/${JOB}/reduce/r-00000.a1.part-00000`];
  try {
    for (const failed of ['r-00000', 'm-00000']) {
      for (const k of keys) await storage.put(k, 'x');
      await cleanupIntermediate(storage, spec, () => {}, failed);
      const left = [...(await storage.list(`jobs/${JOB}/map/`)), ...(await storage.list(`jobs/${JOB}/reduce/`))].map((o) => o.key);
      assert.deepEqual(left, failed === 'r-00000' ? [keys[0]] : [], `failed by ${failed}`);
    }
  } finally {
    await remove();
  }
});
