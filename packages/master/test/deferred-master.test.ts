import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MasterConnection } from '@gomr/proto';
import { bindServer, getServer, JobMaster } from '../src/index.js';
import { testSpec } from './support/test-spec.js';
import { tempStore } from './support/temp-store.js';

// main.ts binds the port before the job spec is read: calls that arrive meanwhile wait.
test('a server bound for a master still opening holds calls until it opens, then answers them', async () => {
  const { root, storage, remove } = await tempStore('gomr-master-');
  let open!: (m: JobMaster) => void;
  const opening = new Promise<JobMaster>((resolve) => (open = resolve));
  const server = getServer(opening);
  const port = await bindServer(server, '127.0.0.1:0');
  const c = new MasterConnection(`127.0.0.1:${port}`, { token: 'secret' });
  let master: JobMaster | undefined;
  try {
    let registered = false;
    const reg = c.register({ host: 'h', pid: 1, version: 't' }).then((r) => {
      registered = true;
      return r;
    });
    const stream = c.taskChannel().getTask({ workerId: 'w-001' }).catch((err: Error) => err);
    await sleep(200);
    assert.equal(registered, false, 'answered before the master opened');
    master = new JobMaster(testSpec(root, { jobId: 'job-1', token: 'secret', maps: 1 }), storage);
    open(master);
    assert.equal((await reg).jobId, 'job-1');
    // The held task stream reaches the master too (w-001 is the worker just registered).
    const task = await stream;
    assert.ok(!(task instanceof Error), String(task));
    assert.equal(task.action, 'RUN');
  } finally {
    c.close();
    master?.stop();
    server.forceShutdown();
    await remove();
  }
});

test('a master that fails to open fails the calls held for it, with its error', async () => {
  const server = getServer(Promise.reject(new Error('invalid job spec: maps: too small')));
  const port = await bindServer(server, '127.0.0.1:0');
  const c = new MasterConnection(`127.0.0.1:${port}`, { token: 'secret' });
  try {
    await assert.rejects(c.register({ host: 'h', pid: 1, version: 't' }), /invalid job spec/);
  } finally {
    c.close();
    server.forceShutdown();
  }
});
