import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommitLog, type CommitRecord } from '../src/commit-log.js';
import { JobMaster } from '../src/index.js';
import { testSpec } from './support/test-spec.js';
import { withTempStore } from './support/temp-store.js';

function rec(taskId: string): CommitRecord {
  return { taskId, attempt: 1, outputs: [{ partition: 0, key: `jobs/j/map/${taskId}.a1.part-00000.run`, bytes: 1, records: 1 }], counters: { mapInputRecords: 1 }, userCounters: {} };
}

test('a record alone is its own object, written at once', async () => {
  await withTempStore(async (storage) => {
    const log = new CommitLog(storage, 'j', { batchMs: 10_000 });
    await log.record(rec('m-00000'));
    assert.deepEqual((await storage.list('jobs/j/commits/')).map((o) => o.key), ['jobs/j/commits/m-00000.json']);
    assert.deepEqual(await log.readAll(), [rec('m-00000')]);
  });
});

test('records that may wait share one object, and each resolves only once it is written', async () => {
  await withTempStore(async (storage) => {
    const log = new CommitLog(storage, 'j', { batchMs: 50 });
    const settled: string[] = [];
    const writes = ['m-00000', 'm-00001', 'm-00002'].map((id) => log.record(rec(id), { batch: true }).then(() => settled.push(id)));
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(settled, [], 'not durable yet: nothing resolves');
    assert.equal((await storage.list('jobs/j/commits/')).length, 0);
    await Promise.all(writes);
    const objects = await storage.list('jobs/j/commits/');
    assert.equal(objects.length, 1, 'one object for the three');
    assert.deepEqual((await log.readAll()).map((r) => r.taskId).sort(), ['m-00000', 'm-00001', 'm-00002']);
  });
});

test('flush writes the waiting records now; a record that may not wait takes them along', async () => {
  await withTempStore(async (storage) => {
    const log = new CommitLog(storage, 'j', { batchMs: 60_000 });
    const a = log.record(rec('m-00000'), { batch: true });
    const b = log.record(rec('m-00001'), { batch: true });
    log.flush();
    await Promise.all([a, b]);
    const c = log.record(rec('m-00002'), { batch: true });
    const d = log.record(rec('r-00000'));
    await Promise.all([c, d]);
    assert.equal((await storage.list('jobs/j/commits/')).length, 2);
    assert.equal((await log.readAll()).length, 4);
  });
});

test('a failed write rejects every record in it', async () => {
  await withTempStore(async (storage) => {
    const failing = new Proxy(storage, {
      get(target, prop, receiver) {
        if (prop === 'put') return async () => { throw new Error('disk full'); };
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const log = new CommitLog(failing, 'j', { batchMs: 5 });
    const results = await Promise.allSettled([log.record(rec('m-00000'), { batch: true }), log.record(rec('m-00001'), { batch: true })]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
  });
});

test('a restarted master restores tasks committed in shared objects and runs only the rest', async () => {
  await withTempStore(async (storage, root) => {
    const spec = testSpec(root, { jobId: 'job-b', size: 400, maps: 4 });
    const first = await JobMaster.open(spec, storage, { commitBatchMs: 10_000 });
    const w = first.register('h', 1).workerId;
    let reply = first.getTask(w);
    const committed: string[] = [];
    // Three maps reported with next: their records wait to share one write.
    const reports = [];
    for (let i = 0; i < 3; i++) {
      const t = reply.task!;
      committed.push(t.taskId!);
      const r = await first.reportTask({ workerId: w, taskId: t.taskId!, attempt: t.attempt!, ok: true, outputs: [], counters: { mapInputRecords: 1 }, userCounters: {}, error: null, next: true, waitMs: 0 });
      reports.push(r);
      reply = r.next!;
    }
    assert.equal(first.status().maps!.done, 0, 'none counted before the shared record is written');
    // The fourth and last map leaves nothing but commits to wait for: everything is written now.
    const last = reply.task!;
    await first.reportTask({ workerId: w, taskId: last.taskId!, attempt: last.attempt!, ok: true, outputs: [], counters: { mapInputRecords: 1 }, userCounters: {}, error: null, next: true, waitMs: 0 });
    for (let i = 0; i < 100 && (first.status().maps?.done ?? 0) < 4; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(first.status().maps!.done, 4);
    assert.equal(first.status().state, 'REDUCING');
    first.stop();

    const second = await JobMaster.open(spec, storage);
    assert.equal(second.status().maps!.done, 4, 'every map restored');
    assert.equal(second.status().counters!.mapInputRecords, 4);
    const w2 = second.register('h', 2).workerId;
    assert.equal(second.getTask(w2).task!.kind, 'REDUCE');
    second.stop();
  });
});
