// How workers get tasks: a get held open until a task frees up (long poll), and a report
// that also hands out the next task (one round trip per task), without losing exactly-once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { MasterConnection } from '@gomr/proto';
import { openStorage, type Storage } from '@gomr/storage';
import { bindServer, getServer, INLINE_RUN_BYTES, JobMaster, type JobMasterOptions, type JobSpecInput, type TaskReport } from '../src/index.js';
import { okReport as ok } from './support/fixtures.js';
import { testSpec } from './support/test-spec.js';

interface SetupOptions {
  /** Bytes of the job's one input. @default 100 */
  size?: number;
  maps?: number;
  reducers?: number;
  /** More of the job spec (timeouts). */
  spec?: Partial<JobSpecInput>;
  /** @default a liveness check every 50 ms */
  master?: JobMasterOptions;
  storage?: (s: Storage) => Storage;
}

/** A master of a one-input job on a fresh local store, not serving gRPC. */
async function setup(opts: SetupOptions = {}) {
  const root = await mkdtemp(join(tmpdir(), 'gomr-handout-'));
  const base = await openStorage({ kind: 'local', root });
  const storage = opts.storage ? opts.storage(base) : base;
  const spec = testSpec(root, { jobId: 'job-h', size: opts.size ?? 100, maps: opts.maps ?? 1, reducers: opts.reducers ?? 1, ...opts.spec });
  const master = await JobMaster.open(spec, storage, opts.master ?? { livenessCheckMs: 50 });
  return {
    root,
    spec,
    storage,
    master,
    async put(key: string) {
      await mkdir(dirname(join(root, key)), { recursive: true });
      await writeFile(join(root, key), 'run');
    },
    async close() {
      master.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

test('a held get answers as soon as a failed attempt frees its task, not after its wait', async () => {
  const h = await setup();
  try {
    const w1 = h.master.register('h', 1).workerId;
    const w2 = h.master.register('h', 2).workerId;
    const t1 = h.master.getTask(w1);
    assert.equal(t1.action, 'RUN');
    const t0 = Date.now();
    const held = h.master.nextTask(w2, 5000);
    let answered = false;
    void held.then(() => (answered = true));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(answered, false, 'nothing is free yet: the call is held');
    await h.master.reportTask({ ...ok(w1, t1.task!.taskId!, t1.task!.attempt!), ok: false, error: { message: 'boom', stack: '', input: 'a.txt', offset: 0, key: '', userCode: true, storageUnreachable: false, inputChanged: false } });
    const t2 = await held;
    assert.equal(t2.action, 'RUN');
    assert.equal(t2.task!.taskId, t1.task!.taskId);
    assert.ok(Date.now() - t0 < 2000, `answered after ${Date.now() - t0} ms`);
  } finally {
    await h.close();
  }
});

test('a held get gets the reduce when the last map commits, and EXIT when the job ends', async () => {
  const h = await setup();
  try {
    const w1 = h.master.register('h', 1).workerId;
    const w2 = h.master.register('h', 2).workerId;
    const m = h.master.getTask(w1);
    const heldForReduce = h.master.nextTask(w2, 5000);
    await h.master.reportTask(ok(w1, m.task!.taskId!, m.task!.attempt!));
    const r = await heldForReduce;
    assert.equal(r.action, 'RUN');
    assert.equal(r.task!.kind, 'REDUCE');
    const heldForExit = h.master.nextTask(w1, 5000);
    await h.master.reportTask(ok(w2, r.task!.taskId!, r.task!.attempt!));
    assert.equal((await heldForExit).action, 'EXIT');
    assert.equal(h.master.status().state, 'SUCCEEDED');
  } finally {
    await h.close();
  }
});

test('a held get answers WAIT (ask again at once) when its time is up or its caller leaves', async () => {
  const h = await setup();
  try {
    const w1 = h.master.register('h', 1).workerId;
    const w2 = h.master.register('h', 2).workerId;
    h.master.getTask(w1);
    const t0 = Date.now();
    assert.deepEqual(await h.master.nextTask(w2, 150), { action: 'WAIT', waitMs: 0 });
    assert.ok(Date.now() - t0 >= 140);
    const controller = new AbortController();
    const held = h.master.nextTask(w2, 5000, controller.signal);
    controller.abort();
    assert.deepEqual(await held, { action: 'WAIT', waitMs: 0 });
    // Without a wait, the answer is immediate, as before.
    assert.equal((await h.master.nextTask(w2, 0)).action, 'WAIT');
  } finally {
    await h.close();
  }
});

test('a held get of a worker that misses its heartbeats ends with unknown worker', async () => {
  const h = await setup({ size: 10, spec: { heartbeatTimeoutMs: 200 } });
  const master = h.master;
  try {
    const w1 = master.register('h', 1).workerId;
    const w2 = master.register('h', 2).workerId;
    master.getTask(w1);
    const held = master.nextTask(w2, 5000);
    // w1 keeps beating; w2 does not: being held is not a sign of life.
    const beat = setInterval(() => master.heartbeat(w1, '', 0), 50);
    try {
      await assert.rejects(held, /unknown worker/);
    } finally {
      clearInterval(beat);
    }
  } finally {
    await h.close();
  }
});

test('report + next task in one call: the next task comes back, a repeated report keeps the committed outputs', async () => {
  const h = await setup({ maps: 2 });
  try {
    const w1 = h.master.register('h', 1).workerId;
    const first = h.master.getTask(w1);
    const runKey = `${first.task!.outputPrefix}part-00000.run`;
    await h.put(runKey);
    const report = ok(w1, first.task!.taskId!, first.task!.attempt!, {
      outputs: [{ partition: 0, key: runKey, bytes: 3, records: 1 }], next: true, waitMs: 1000,
    });
    const reply = await h.master.reportTask(report);
    assert.equal(reply.committed, true);
    assert.equal(reply.next?.action, 'RUN');
    const second = reply.next!.task!;
    assert.notEqual(second.taskId, first.task!.taskId);

    // The reply was lost and the worker sends the same report again: nothing changes, the
    // committed run stays, and the task handed out by the lost reply runs elsewhere.
    const again = await h.master.reportTask(report);
    assert.equal(again.committed, true);
    assert.ok(existsSync(join(h.root, runKey)), 'the committed run is not discarded');
    await new Promise((r) => setTimeout(r, 50)); // the first commit record lands
    assert.equal(h.master.status().counters!.mapInputRecords, 1, 'counted once');
    const t = h.master.scheduler.task(second.taskId!)!;
    assert.equal(t.attempts[0]!.outcome, 'killed', 'the task of the lost reply is given up');
    assert.equal(again.next?.action, 'RUN');
    assert.equal(again.next!.task!.taskId, second.taskId, 'and handed out again');
  } finally {
    await h.close();
  }
});

test('report + next: a duplicate attempt that lost the race is not committed and gets its next task', async () => {
  const h = await setup({ maps: 1 });
  try {
    const w1 = h.master.register('h', 1).workerId;
    const w2 = h.master.register('h', 2).workerId;
    const a = h.master.getTask(w1);
    // The first attempt is lost with its worker's silence, and runs again on w2.
    h.master.scheduler.killed(a.task!.taskId!, a.task!.attempt!, 'lost', Date.now());
    const b = h.master.getTask(w2);
    assert.equal(b.task!.taskId, a.task!.taskId);
    const winner = await h.master.reportTask(ok(w2, b.task!.taskId!, b.task!.attempt!, { next: true, waitMs: 1000 }));
    assert.equal(winner.committed, true);
    assert.equal(winner.next?.task?.kind, 'REDUCE');
    const lateKey = `${a.task!.outputPrefix}part-00000.run`;
    await h.put(lateKey);
    const late = await h.master.reportTask(ok(w1, a.task!.taskId!, a.task!.attempt!, { outputs: [{ partition: 0, key: lateKey, bytes: 3, records: 1 }], next: true, waitMs: 100 }));
    assert.equal(late.committed, false);
    assert.ok(!existsSync(join(h.root, lateKey)), "the loser's outputs are removed");
    assert.equal(late.next?.action, 'WAIT', 'nothing left for it: it waited, then asks again');
    assert.equal(h.master.status().counters!.mapInputRecords, 1);
  } finally {
    await h.close();
  }
});

test('report + next answers before the commit record is written; the task counts only once it is durable', async () => {
  let releaseCommit!: () => void;
  const commitGate = new Promise<void>((r) => (releaseCommit = r));
  const h = await setup({
    maps: 2,
    storage: (s) =>
      new Proxy(s, {
        get(target, prop, receiver) {
          if (prop === 'put') {
            return async (key: string, data: Buffer | string) => {
              if (key.includes('/commits/')) await commitGate;
              return target.put(key, data);
            };
          }
          const v = Reflect.get(target, prop, receiver);
          return typeof v === 'function' ? v.bind(target) : v;
        },
      }),
  });
  try {
    const w1 = h.master.register('h', 1).workerId;
    const t = h.master.getTask(w1);
    const reply = await h.master.reportTask(ok(w1, t.task!.taskId!, t.task!.attempt!, { next: true, waitMs: 1000 }));
    assert.equal(reply.next?.action, 'RUN', 'the next task comes while the record is still being written');
    assert.equal(h.master.scheduler.task(t.task!.taskId!)!.state, 'committing');
    assert.equal(h.master.status().maps!.done, 0, 'not counted before the record is durable');
    assert.equal(h.master.status().counters!.mapInputRecords, undefined);
    releaseCommit();
    for (let i = 0; i < 100 && h.master.status().maps!.done === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(h.master.status().maps!.done, 1);
    assert.equal(h.master.status().counters!.mapInputRecords, 1);
  } finally {
    releaseCommit();
    await h.close();
  }
});

test('over gRPC: held reports with next run a whole job', async () => {
  const h = await setup({ maps: 2 });
  const server = getServer(h.master);
  const port = await bindServer(server, '127.0.0.1:0');
  // One connection per worker, as each worker has its own task stream (one request at a time).
  const c = new MasterConnection(`127.0.0.1:${port}`);
  const c2 = new MasterConnection(`127.0.0.1:${port}`);
  try {
    const w1 = (await c.register({ host: 'h', pid: 1, version: 't' })).workerId;
    const w2 = (await c2.register({ host: 'h', pid: 2, version: 't' })).workerId;
    const tasksOf = (workerId: string) => (workerId === w2 ? c2 : c).taskChannel();
    const m0 = (await tasksOf(w1).getTask({ workerId: w1, waitMs: 1000 })).task!;
    const m1 = (await tasksOf(w2).getTask({ workerId: w2, waitMs: 1000 })).task!;
    assert.deepEqual([m0.taskId, m1.taskId], ['m-00000', 'm-00001']);
    const report = (workerId: string, t: typeof m0) =>
      tasksOf(workerId).reportTask({ workerId, taskId: t.taskId, attempt: t.attempt, ok: true, outputs: [], counters: { mapInputRecords: 1 }, next: true, waitMs: 3000 });
    // w1's report is held: the only task left (the reduce) waits for m1's commit.
    const t0 = Date.now();
    const first = report(w1, m0);
    await new Promise((r) => setTimeout(r, 100));
    const second = report(w2, m1);
    const r1 = await first;
    assert.equal(r1.committed, true);
    assert.equal(r1.next?.action, 'RUN');
    assert.equal(r1.next!.task!.kind, 'REDUCE', 'handed out as soon as the last map committed');
    assert.ok(Date.now() - t0 < 2000, `after ${Date.now() - t0} ms`);
    // w2 is held in turn, until the job ends.
    const done = await report(w1, r1.next!.task!);
    assert.equal(done.next?.action, 'EXIT');
    assert.equal((await second).next?.action, 'EXIT');
    assert.equal((await c.getStatus()).state, 'SUCCEEDED');
    // An unknown worker's report gets no next task; its get says NOT_FOUND (register again).
    const unknown = await c.taskChannel().reportTask({ workerId: 'w-999', taskId: 'm-00000', attempt: 1, ok: true, next: true, waitMs: 100 });
    assert.equal(unknown.next, null);
    await assert.rejects(c.taskChannel().getTask({ workerId: 'w-999', waitMs: 100 }), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
  } finally {
    c.close();
    c2.close();
    server.forceShutdown();
    await h.close();
  }
});

test('over the task stream: gets and reports with next, one reply each, in order; NOT_FOUND ends it, a new one follows', async () => {
  const h = await setup({ maps: 2 });
  const server = getServer(h.master);
  const port = await bindServer(server, '127.0.0.1:0');
  const c = new MasterConnection(`127.0.0.1:${port}`);
  try {
    const tasks = c.taskChannel();
    const w1 = (await c.register({ host: 'h', pid: 1, version: 't' })).workerId;
    let reply = await tasks.getTask({ workerId: w1, waitMs: 1000 });
    const seen: string[] = [];
    while (reply.action === 'RUN') {
      const t = reply.task!;
      seen.push(t.taskId);
      const rep = await tasks.reportTask({ workerId: w1, taskId: t.taskId, attempt: t.attempt, ok: true, outputs: [], counters: { mapInputRecords: 1 }, next: true, waitMs: 2000 });
      assert.equal(rep.committed, true);
      reply = rep.next!;
    }
    assert.deepEqual(seen, ['m-00000', 'm-00001', 'r-00000']);
    assert.equal(reply.action, 'EXIT');
    assert.equal((await c.getStatus()).state, 'SUCCEEDED');
    await assert.rejects(tasks.getTask({ workerId: 'w-999', waitMs: 100 }), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);
    // The stream ended; the next request opens a new one.
    assert.equal((await tasks.getTask({ workerId: w1, waitMs: 100 })).action, 'EXIT');
  } finally {
    c.close();
    server.forceShutdown();
    await h.close();
  }
});

test('over the task stream: a cancelled request releases its held get, and a stopping master ends the streams', async () => {
  const h = await setup({ maps: 1 });
  const server = getServer(h.master);
  const port = await bindServer(server, '127.0.0.1:0');
  const c = new MasterConnection(`127.0.0.1:${port}`);
  const c2 = new MasterConnection(`127.0.0.1:${port}`);
  try {
    const w1 = (await c.register({ host: 'h', pid: 1, version: 't' })).workerId;
    const w2 = (await c2.register({ host: 'h', pid: 2, version: 't' })).workerId;
    assert.equal((await c.taskChannel().getTask({ workerId: w1 })).action, 'RUN');
    const controller = new AbortController();
    const held = c2.taskChannel().getTask({ workerId: w2, waitMs: 5000 }, controller.signal);
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await assert.rejects(held, (e: grpc.ServiceError) => e.code === grpc.status.CANCELLED);
    // Held again, then the master stops: the stream ends and shutting down does not wait for it.
    const again = c2.taskChannel().getTask({ workerId: w2, waitMs: 5000 });
    await new Promise((r) => setTimeout(r, 100));
    h.master.stop();
    const s0 = Date.now();
    const settled = await again.then(
      (r) => r.action,
      (e: grpc.ServiceError) => e.code,
    );
    assert.ok(settled === 'WAIT' || settled === grpc.status.UNAVAILABLE, String(settled));
    await new Promise<void>((r) => server.tryShutdown(() => r()));
    assert.ok(Date.now() - s0 < 1500, `shutdown took ${Date.now() - s0} ms`);
  } finally {
    c.close();
    c2.close();
    server.forceShutdown();
    await h.close();
  }
});

test('inline runs: the reduce gets every run in map order, inline or object, also from a restarted master', async () => {
  const h = await setup({ maps: 3 });
  try {
    const w = h.master.register('h', 1).workerId;
    const runs: { key: string; data?: Buffer }[] = [];
    for (let i = 0; i < 3; i++) {
      const t = h.master.getTask(w).task!;
      assert.equal(t.inlineRunBytes, INLINE_RUN_BYTES, 'maps may return runs inline');
      const inline = i !== 1;
      const key = inline ? '' : `${t.outputPrefix}part-00000.run`;
      if (!inline) await h.put(key);
      const data = inline ? Buffer.from(`run ${i}`) : undefined;
      runs.push(data ? { key, data } : { key });
      await h.master.reportTask(ok(w, t.taskId!, t.attempt!, { outputs: [{ partition: 0, key, bytes: data?.length ?? 3, records: 1, ...(data ? { data } : {}) }] }));
    }
    const reduce = (m: JobMaster, worker: string) => {
      const t = m.getTask(worker).task!;
      assert.equal(t.kind, 'REDUCE');
      assert.equal(t.inlineRunBytes, 0);
      assert.deepEqual(t.runKeys, [], 'the keys are in runs');
      return t.runs!.map((r) => (r.data ? { key: r.key!, data: Buffer.from(r.data as Buffer) } : { key: r.key! }));
    };
    assert.deepEqual(reduce(h.master, w), runs);
    h.master.stop();
    const second = await JobMaster.open(h.spec, h.storage);
    try {
      assert.deepEqual(reduce(second, second.register('h', 2).workerId), runs, 'inline runs survive in the commit log');
    } finally {
      second.stop();
    }
  } finally {
    await h.close();
  }
});

test('inline runs stop being allowed once those held could pass the budget', async () => {
  const h = await setup({ maps: 4, master: { inlineRunBytes: 100, inlineBudgetBytes: 400 } });
  const master = h.master;
  try {
    const w = master.register('h', 1).workerId;
    const sizes = [150, 100];
    const allowed: number[] = [];
    for (const size of sizes) {
      const t = master.getTask(w).task!;
      allowed.push(t.inlineRunBytes!);
      await master.reportTask(ok(w, t.taskId!, t.attempt!, { outputs: [{ partition: 0, key: '', bytes: size, records: 1, data: Buffer.alloc(size) }] }));
    }
    allowed.push(master.getTask(w).task!.inlineRunBytes!);
    // held 0 and 150 leave room for a worker's run and one more (100 each); 250 does not.
    assert.deepEqual(allowed, [100, 100, 0]);
  } finally {
    await h.close();
  }
});

/** A job of `maps` small splits for batches, with commit records written every 5 ms. */
function batchSetup(maps: number, inputSize: number, now?: () => number) {
  return setup({ size: inputSize, maps, master: { commitBatchMs: 5, ...(now ? { now } : {}) } });
}

test('a worker that asks for several tasks gets a batch of small maps, leaving enough for the others', async () => {
  const many = await batchSetup(40, 4000);
  try {
    const w1 = many.master.register('h', 1).workerId;
    many.master.register('h', 2);
    const r = many.master.getTask(w1, 8);
    assert.equal(r.action, 'RUN');
    assert.deepEqual([r.task!, ...r.more!].map((t) => t.taskId), Array.from({ length: 8 }, (_, i) => `m-0000${i}`));
    assert.equal(many.master.status().workers![0]!.currentTask, 'm-00000#1');
    assert.equal(many.master.getTask(w1, 1).more, undefined, 'one asked, one given (and the batch not reported is given up)');
    assert.equal(many.master.scheduler.task('m-00003')!.attempts[0]!.outcome, 'killed');
  } finally {
    await many.close();
  }
  const few = await batchSetup(6, 600);
  try {
    const w1 = few.master.register('h', 1).workerId;
    few.master.register('h', 2);
    // 5 left after the first, 2 workers: one more, the rest for the others.
    assert.equal(few.master.getTask(w1, 8).more!.length, 1);
  } finally {
    await few.close();
  }
  const large = await batchSetup(4, 40 * 1024 * 1024);
  try {
    const w1 = large.master.register('h', 1).workerId;
    assert.equal(large.master.getTask(w1, 8).more, undefined, '10 MiB splits are not batched');
  } finally {
    await large.close();
  }
});

test('a batch reported together commits each task once; a task of it left unreported runs again', async () => {
  const h = await batchSetup(20, 2000);
  try {
    const w1 = h.master.register('h', 1).workerId;
    const batch = (() => {
      const r = h.master.getTask(w1, 3);
      return [r.task!, ...r.more!];
    })();
    assert.equal(batch.length, 3);
    const rep = (t: (typeof batch)[number], extra: Partial<TaskReport> = {}) => ok(w1, t.taskId!, t.attempt!, extra);
    // The third was cancelled: only two reports, the last asking for more.
    const reply = await h.master.reportBatch([rep(batch[0]!)], rep(batch[1]!, { next: true, waitMs: 100, maxTasks: 1 }));
    assert.equal(reply.committed, true);
    assert.equal(reply.next?.action, 'RUN');
    assert.equal(h.master.scheduler.task(batch[2]!.taskId!)!.attempts[0]!.outcome, 'killed', 'the unreported one is given up');
    assert.equal(reply.next!.task!.taskId, batch[2]!.taskId, 'and handed out again first');
    // The same reports again (a retried call): nothing changes.
    await h.master.reportBatch([rep(batch[0]!)], rep(batch[1]!));
    for (let i = 0; i < 100 && (h.master.status().maps?.done ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(h.master.status().maps!.done, 2);
    assert.equal(h.master.status().counters!.mapInputRecords, 2, 'each counted once');
  } finally {
    await h.close();
  }
});

test('the tasks of a batch, reported together, are placed where they ran (run_ms): timeline and mean task time', async () => {
  let clock = 1_000_000;
  const h = await batchSetup(20, 2000, () => clock);
  try {
    const w1 = h.master.register('h', 1).workerId;
    const r = h.master.getTask(w1, 3);
    const batch = [r.task!, ...r.more!];
    assert.equal(batch.length, 3);
    // Handed out at 1,000,000; they ran 100, 200 and 300 ms one after the other; reported at the end.
    clock += 600;
    const rep = (i: number) => ok(w1, batch[i]!.taskId!, batch[i]!.attempt!, { runMs: 100 * (i + 1) });
    await h.master.reportBatch([rep(0), rep(1)], rep(2));
    const span = (i: number) => {
      const a = h.master.scheduler.task(batch[i]!.taskId!)!.attempts[0]!;
      return [a.startedMs - 1_000_000, a.endedMs! - 1_000_000];
    };
    assert.deepEqual([span(0), span(1), span(2)], [[0, 100], [100, 300], [300, 600]]);
    // A report without run_ms (an older worker) keeps the hand-out as its start.
    const next = h.master.getTask(w1, 1).task!;
    clock += 50;
    await h.master.reportTask(ok(w1, next.taskId!, next.attempt!));
    const a = h.master.scheduler.task(next.taskId!)!.attempts[0]!;
    assert.equal(a.endedMs! - a.startedMs, 50);
  } finally {
    await h.close();
  }
});

test('over the task stream: a batch and its reports in one round trip each', async () => {
  const h = await batchSetup(12, 1200);
  const server = getServer(h.master);
  const port = await bindServer(server, '127.0.0.1:0');
  const c = new MasterConnection(`127.0.0.1:${port}`);
  try {
    const tasks = c.taskChannel();
    const w1 = (await c.register({ host: 'h', pid: 1, version: 't' })).workerId;
    let reply = await tasks.getTask({ workerId: w1, maxTasks: 4 });
    const done: string[] = [];
    while (reply.action === 'RUN') {
      const batch = [reply.task!, ...reply.more];
      const reports = batch.map((t) => ({ workerId: w1, taskId: t.taskId, attempt: t.attempt, ok: true, outputs: [], counters: (t.kind === 'MAP' ? { mapInputRecords: 1 } : {}) as Record<string, number> }));
      done.push(...batch.map((t) => t.taskId));
      const last = reports.pop()!;
      reply = (await tasks.reportTask({ ...last, next: true, waitMs: 2000, maxTasks: 4 }, undefined, reports)).next!;
    }
    assert.equal(reply.action, 'EXIT');
    assert.deepEqual(done.filter((t) => t.startsWith('m-')).sort(), Array.from({ length: 12 }, (_, i) => `m-${String(i).padStart(5, '0')}`));
    assert.equal((await c.getStatus()).counters.mapInputRecords, 12);
  } finally {
    c.close();
    server.forceShutdown();
    await h.close();
  }
});

test('a worker lost with a batch: only the task it was running counts as killed by it, and batches stop', async () => {
  const h = await setup({ size: 4000, maps: 40, spec: { heartbeatTimeoutMs: 200 } });
  const master = h.master;
  try {
    const w1 = master.register('h', 1).workerId;
    const w2 = master.register('h', 2).workerId;
    const r = master.getTask(w1, 4);
    const batch = [r.task!, ...r.more!];
    assert.equal(batch.length, 4);
    master.heartbeat(w1, batch[1]!.taskId!, batch[1]!.attempt!, 10); // running the second
    const beat = setInterval(() => master.heartbeat(w2, '', 0), 50);
    try {
      for (let i = 0; i < 100 && master.status().workers!.find((w) => w.workerId === w1)!.state !== 'lost'; i++) await new Promise((res) => setTimeout(res, 20));
    } finally {
      clearInterval(beat);
    }
    const kills = batch.map((t) => master.scheduler.task(t.taskId!)!.kills);
    assert.deepEqual(kills, [0, 1, 0, 0], 'only the running one counts toward the cap');
    for (const t of batch) assert.equal(master.scheduler.task(t.taskId!)!.state, 'idle');
    const next = master.getTask(w2, 4);
    assert.equal(next.task!.taskId, batch[0]!.taskId, 'the batch runs again');
    assert.equal(next.more, undefined, 'one at a time now');
  } finally {
    await h.close();
  }
});

test("a batch progresses as one: the heartbeat's progress on its first task keeps the others from counting as stalled", async () => {
  let now = 1_000;
  const h = await setup({ size: 4000, maps: 40, spec: { taskTimeoutMs: 1000 }, master: { now: () => now, livenessCheckMs: 60_000 } });
  const master = h.master;
  try {
    const w1 = master.register('h', 1).workerId;
    const r = master.getTask(w1, 4);
    const batch = [r.task!, ...r.more!];
    for (let t = 1; t <= 5; t++) {
      now += 500;
      master.heartbeat(w1, batch[0]!.taskId!, batch[0]!.attempt!, t * 100);
    }
    assert.deepEqual(master.scheduler.expireStalled(now), [], 'moving: nothing stalled after 2.5 s with a 1 s timeout');
    now += 1500; // no progress any more
    master.heartbeat(w1, batch[0]!.taskId!, batch[0]!.attempt!, 500);
    assert.deepEqual(master.scheduler.expireStalled(now).map((s) => s.taskId).sort(), batch.map((t) => t.taskId).sort(), 'a stuck batch is stalled as a whole');
  } finally {
    await h.close();
  }
});
