import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { MasterConnection } from '@gomr/proto';
import { bindServer, getServer, JobMaster } from '../src/index.js';
import { testSpec } from './support/test-spec.js';
import { tempStore } from './support/temp-store.js';

/** A real master on a loopback port, and a real gRPC client. */
async function startMaster(token = 'secret') {
  const { root, storage, remove } = await tempStore('gomr-master-');
  const spec = testSpec(root, { jobId: 'job-1', token, maps: 2 });
  const master = new JobMaster(spec, storage);
  const server = getServer(master);
  const port = await bindServer(server, '127.0.0.1:0');
  return {
    master,
    address: `127.0.0.1:${port}`,
    async stop() {
      master.stop();
      server.forceShutdown();
      await remove();
    },
  };
}

test('register, get tasks, report, and the job advances to reduce and succeeds', async () => {
  const m = await startMaster();
  const c = new MasterConnection(m.address, { token: 'secret' });
  try {
    const reg = await c.register({ host: 'h', pid: 1, version: 't' });
    assert.equal(reg.jobId, 'job-1');
    assert.equal(reg.reducers, 1);
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const t = await c.taskChannel().getTask({ workerId: reg.workerId });
      assert.equal(t.action, 'RUN');
      assert.equal(t.task!.kind, 'MAP');
      assert.equal(t.task!.split!.inputName, 'a.txt');
      seen.push(`${t.task!.split!.start}-${t.task!.split!.end}`);
      const rep = await c.taskChannel().reportTask({ workerId: reg.workerId, taskId: t.task!.taskId, attempt: t.task!.attempt, ok: true, outputs: [], counters: { mapInputRecords: 3 } });
      assert.equal(rep.committed, true);
    }
    assert.deepEqual(seen, ['0-50', '50-100']);
    const r = await c.taskChannel().getTask({ workerId: reg.workerId });
    assert.equal(r.task!.kind, 'REDUCE');
    assert.deepEqual(r.task!.runKeys, []);
    await c.taskChannel().reportTask({ workerId: reg.workerId, taskId: r.task!.taskId, attempt: 1, ok: true, outputs: [] });
    await m.master.whenFinished();
    const status = await c.getStatus();
    assert.equal(status.state, 'SUCCEEDED');
    assert.equal(status.counters.mapInputRecords, 6);
    assert.deepEqual(status.outputKeys, ['jobs/job-1/output/part-00000']);
    assert.equal((await c.taskChannel().getTask({ workerId: reg.workerId })).action, 'EXIT');
  } finally {
    c.close();
    await m.stop();
  }
});

test('a client without the token is refused, but may read the status', async () => {
  const m = await startMaster();
  const c = new MasterConnection(m.address, { token: 'wrong' });
  try {
    await assert.rejects(c.register({ host: 'h', pid: 1, version: 't' }), (e: grpc.ServiceError) => e.code === grpc.status.UNAUTHENTICATED);
    const s = await c.getStatus();
    assert.equal(s.jobId, 'job-1');
  } finally {
    c.close();
    await m.stop();
  }
});

test('an unknown worker id gets NOT_FOUND so it registers again', async () => {
  const m = await startMaster('');
  const c = new MasterConnection(m.address);
  try {
    await assert.rejects(c.taskChannel().getTask({ workerId: 'w-999' }), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
    const hb = await c.heartbeat({ workerId: 'w-999' });
    assert.equal(hb.known, false);
  } finally {
    c.close();
    await m.stop();
  }
});

test('a worker that stops heartbeating loses its task to another worker', async () => {
  const { root, storage, remove } = await tempStore('gomr-master-');
  const spec = testSpec(root, { jobId: 'job-2', size: 10, heartbeatTimeoutMs: 200 });
  const master = new JobMaster(spec, storage, { livenessCheckMs: 50 });
  try {
    const w1 = master.register('h', 1).workerId;
    const w2 = master.register('h', 2).workerId;
    const t1 = master.getTask(w1);
    assert.equal(t1.action, 'RUN');
    assert.equal(master.getTask(w2).action, 'WAIT');
    const t0 = Date.now();
    let t2 = master.getTask(w2);
    while (t2.action !== 'RUN' && Date.now() - t0 < 3000) {
      master.heartbeat(w2, '', 0);
      await new Promise((r) => setTimeout(r, 50));
      t2 = master.getTask(w2);
    }
    assert.equal(t2.action, 'RUN');
    assert.equal(t2.task!.taskId, t1.task!.taskId);
    assert.equal(t2.task!.attempt, 2);
  } finally {
    master.stop();
    await remove();
  }
});

test('a restarted master resumes from the checkpoint and never reuses a worker id', async () => {
  const { root, storage, remove } = await tempStore('gomr-master-');
  const spec = testSpec(root, { jobId: 'job-3', maps: 2 });
  try {
    const first = await JobMaster.open(spec, storage);
    const w = first.register('h', 1).workerId;
    const t = first.getTask(w);
    await first.reportTask({ workerId: w, taskId: t.task!.taskId!, attempt: t.task!.attempt!, ok: true, outputs: [{ partition: 0, key: 'run-0', bytes: 1, records: 1 }], counters: { mapInputRecords: 2 }, userCounters: {}, error: null });
    first.getTask(w); // a second map is running when the master dies
    first.stop();

    const second = await JobMaster.open(spec, storage);
    assert.equal(second.epoch, 2);
    const w2 = second.register('h', 2).workerId;
    assert.notEqual(w2, w, 'ids of the old master are not reused');
    assert.throws(() => second.getTask(w), /unknown worker/);
    const next = second.getTask(w2);
    assert.equal(next.task!.taskId, 'm-00001', 'the committed map is not run again');
    assert.ok(next.task!.attempt! > 1000);
    assert.equal(second.status().counters!.mapInputRecords, 2);
    second.stop();
  } finally {
    await remove();
  }
});

test('a status long poll is answered when the job ends, or when its wait is over, and can be cancelled', async () => {
  const m = await startMaster();
  const c = new MasterConnection(m.address, { token: 'secret' });
  try {
    // Nothing happens: the call is held for its wait, then answered with the job still running.
    let t0 = Date.now();
    const idle = await c.getStatus({ waitMs: 300 });
    assert.equal(idle.state, 'MAPPING');
    assert.ok(Date.now() - t0 >= 280, `answered after ${Date.now() - t0} ms, before its wait`);

    // Cancelled by the client: it rejects at once, and the master holds nothing.
    const controller = new AbortController();
    const cancelled = c.getStatus({ waitMs: 5000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    t0 = Date.now();
    await assert.rejects(cancelled, (e: grpc.ServiceError) => e.code === grpc.status.CANCELLED);
    assert.ok(Date.now() - t0 < 1000);

    // The job ends while a call is held: the answer comes at once, not after the wait.
    const held = c.getStatus({ waitMs: 8000 });
    t0 = Date.now();
    const reg = await c.register({ host: 'h', pid: 1, version: 't' });
    for (let i = 0; i < 3; i++) {
      const t = await c.taskChannel().getTask({ workerId: reg.workerId });
      await c.taskChannel().reportTask({ workerId: reg.workerId, taskId: t.task!.taskId, attempt: t.task!.attempt, ok: true, outputs: [] });
    }
    const ended = await held;
    assert.equal(ended.state, 'SUCCEEDED');
    assert.ok(Date.now() - t0 < 4000, `answered ${Date.now() - t0} ms after the job started to end`);
    // Once the job is over, a long poll does not wait at all.
    t0 = Date.now();
    assert.equal((await c.getStatus({ waitMs: 8000 })).state, 'SUCCEEDED');
    assert.ok(Date.now() - t0 < 1000);
  } finally {
    c.close();
    await m.stop();
  }
});
