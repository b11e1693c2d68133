import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReportTaskRequest__Output } from '@gomr/proto';
import { buildJobSnapshot, JobMaster, snapshotFromSummary, snapshotOfMaster, type JobSummary } from '../src/index.js';
import { newTask } from '../src/task-table.js';
import { testSpec } from './support/test-spec.js';
import { tempStore } from './support/temp-store.js';

const T0 = 1_700_000_000_000;

/** A real JobMaster on a temporary local store, driven through its methods on a fake clock. */
async function fixture() {
  const { root, storage, remove } = await tempStore('gomr-snapshot-');
  let now = T0;
  const spec = testSpec(root, {
    jobId: 'job-snap', workerFile: 'worker.ts',
    inputs: [{ key: 'in/a.txt', name: 'a.txt', size: 100 }, { key: 'in/b.txt', name: 'b.txt', size: 60 }],
    maps: 2, maxAttempts: 3, speculation: false,
  });
  const master = new JobMaster(spec, storage, { now: () => now, livenessCheckMs: 60_000 });
  const report = (workerId: string, taskId: string, attempt: number, fields: Partial<ReportTaskRequest__Output>) =>
    master.reportTask({ workerId, taskId, attempt, ok: true, outputs: [], counters: {}, userCounters: {}, error: null, ...fields } as ReportTaskRequest__Output);
  return {
    master, storage, report,
    at(ms: number) { now = T0 + ms; },
    async close() {
      master.stop();
      await remove();
    },
  };
}

const runOf = (reply: ReturnType<JobMaster['getTask']>) => ({ taskId: reply.task!.taskId!, attempt: reply.task!.attempt! });

test('counters sum committed attempts only: a retry, a lost attempt and a late duplicate never inflate them', async () => {
  const f = await fixture();
  try {
    f.at(10);
    const w1 = f.master.register('host-a', 11).workerId;
    const w2 = f.master.register('host-b', 12).workerId;
    const m0a1 = runOf(f.master.getTask(w1));
    const m1a1 = runOf(f.master.getTask(w2));
    assert.equal(m0a1.taskId, 'm-00000');
    assert.equal(m1a1.taskId, 'm-00001');

    // m-00000 attempt 1: the mapper throws (HTML in the message: the page must show it as text).
    f.at(100);
    await f.report(w1, m0a1.taskId, 1, { ok: false, error: { message: '<b>bad</b> record', stack: 'Error: <b>bad</b> record\n    at mapper (worker.ts:3:9)', input: 'a.txt', offset: 0, key: '' } as ReportTaskRequest__Output['error'] });
    const m0a2 = runOf(f.master.getTask(w1));
    assert.deepEqual(m0a2, { taskId: 'm-00000', attempt: 2 });

    f.at(300);
    await f.report(w2, m1a1.taskId, 1, { counters: { mapInputRecords: 5, mapInputBytes: 60 }, userCounters: { seen: 5 } });

    // w1 asks for work while the master thinks it runs attempt 2: attempt 2 is lost, 3 starts.
    f.at(400);
    const m0a3 = runOf(f.master.getTask(w1));
    assert.deepEqual(m0a3, { taskId: 'm-00000', attempt: 3 });
    f.at(900);
    await f.report(w1, 'm-00000', 3, { counters: { mapInputRecords: 7, mapInputBytes: 100 }, userCounters: { seen: 7 } });
    // The lost attempt 2 reports late, with the same counters: a duplicate, ignored.
    const late = await f.report(w1, 'm-00000', 2, { counters: { mapInputRecords: 7, mapInputBytes: 100 }, userCounters: { seen: 7 } });
    assert.equal(late.committed, false);

    const mid = snapshotOfMaster(f.master, T0 + 950);
    assert.equal(mid.state, 'REDUCING');
    assert.deepEqual(mid.maps, { total: 2, done: 2, running: 0, pending: 0, failedAttempts: 1, killedAttempts: 1 });
    assert.deepEqual(mid.reduces, { total: 1, done: 0, running: 0, pending: 1, failedAttempts: 0, killedAttempts: 0 });
    // Map phase: 160 bytes and 12 records in the 900 ms from start to the last map commit.
    assert.equal(mid.throughput.inputBytesPerSec, 160 / 0.9);
    assert.equal(mid.throughput.inputRecordsPerSec, 12 / 0.9);
    // Mean committed map: (290 + 500) / 2 = 395 ms; one reduce left, borrowing that mean.
    assert.equal(mid.etaMs, 395);

    const r = runOf(f.master.getTask(w2));
    f.at(1200);
    await f.report(w2, r.taskId, r.attempt, { counters: { reduceInputRecords: 12, reduceInputGroups: 4, outputRecords: 4 }, userCounters: { seen: 1 } });
    await f.master.whenFinished();

    const expected = { mapInputRecords: 12, mapInputBytes: 160, reduceInputRecords: 12, reduceInputGroups: 4, outputRecords: 4 };
    assert.deepEqual(f.master.status().counters, expected);
    const snap = snapshotOfMaster(f.master, T0 + 5000);
    assert.deepEqual(snap.counters, expected);
    assert.deepEqual(snap.userCounters, { seen: 13 });
    assert.equal(snap.state, 'SUCCEEDED');
    assert.equal(snap.etaMs, 0);
    assert.equal(snap.elapsedMs, 1200, 'a finished job is measured to its end, not to now');
    assert.deepEqual(
      snap.attempts.map((a) => `${a.taskId}#${a.attempt} ${a.workerId} ${a.outcome} ${a.startedMs - T0}-${(a.endedMs ?? 0) - T0}`),
      [`m-00000#1 ${w1} failed 10-100`, `m-00001#1 ${w2} committed 10-300`, `m-00000#2 ${w1} killed 100-400`, `m-00000#3 ${w1} committed 400-900`, `r-00000#1 ${w2} committed 900-1200`],
    );
    assert.deepEqual(snap.failures.map((x) => [x.taskId, x.attempt, x.outcome, x.input, x.range]), [
      ['m-00000', 1, 'failed', 'a.txt', [0, 100]],
      ['m-00000', 2, 'killed', 'a.txt', [0, 100]],
    ]);
    assert.equal(snap.failures[0]!.message, '<b>bad</b> record');
    assert.match(snap.failures[0]!.stack, /at mapper \(worker\.ts:3:9\)/, 'the stack is kept for the page');
    assert.deepEqual(snap.workers.map((w) => [w.id, w.host, w.pid]), [[w1, 'host-a', 11], [w2, 'host-b', 12]]);

    // The saved summary carries the same snapshot, so a finished job's page reads it back.
    const summary = JSON.parse((await f.storage.get('jobs/job-snap/summary.json')).toString('utf8')) as JobSummary;
    assert.deepEqual(summary.counters, expected);
    const saved = snapshotFromSummary(summary);
    assert.deepEqual(saved.counters, expected);
    assert.deepEqual(saved.userCounters, { seen: 13 });
    assert.equal(saved.state, 'SUCCEEDED');
    assert.deepEqual(saved.attempts, snap.attempts);
    assert.deepEqual(saved.failures, snap.failures);
  } finally {
    await f.close();
  }
});

test('a summary written before snapshots existed is rebuilt into one', () => {
  const summary: JobSummary = {
    jobId: 'old', state: 'FAILED', workerFile: 'w.ts', inputs: [{ name: 'a.txt', size: 10 }], maps: 1, reducers: 1,
    startedMs: T0, finishedMs: T0 + 2000, counters: { mapInputRecords: 0 }, userCounters: {}, outputKeys: [],
    error: { summary: 'mapper failed in task m-00000 after 1 attempts: boom', message: 'boom', stack: 'Error: boom', task: 'm-00000' },
    tasks: [
      { id: 'm-00000', attempts: [{ attempt: 1, workerId: 'w-001', startedMs: T0 + 10, endedMs: T0 + 1900, outcome: 'failed', error: 'boom' }] },
      { id: 'r-00000', attempts: [] },
    ],
  };
  const s = snapshotFromSummary(summary);
  assert.equal(s.state, 'FAILED');
  assert.equal(s.error?.message, 'boom');
  assert.deepEqual(s.maps, { total: 1, done: 0, running: 0, pending: 1, failedAttempts: 1, killedAttempts: 0 });
  assert.deepEqual(s.workers.map((w) => [w.id, w.state]), [['w-001', 'gone']]);
  assert.equal(s.failures[0]!.message, 'boom');
  assert.equal(s.elapsedMs, 2000);
  assert.throws(() => snapshotFromSummary({ ...summary, snapshot: { ...s, version: 99 as 1 } }), /snapshot version 99/);
});

test('a running attempt counts toward the ETA for what is left of the mean, spread over live workers', () => {
  const done = newTask('MAP', 0);
  done.state = 'committed';
  done.attempts = [{ attempt: 1, workerId: 'w', startedMs: 0, endedMs: 1000, outcome: 'committed' }];
  const running = newTask('MAP', 1);
  running.state = 'running';
  running.attempts = [{ attempt: 1, workerId: 'w', startedMs: 1000, outcome: 'running' }];
  const idle = [2, 3, 4].map((i) => newTask('MAP', i));
  const reduce = newTask('REDUCE', 0);
  const worker = (id: string, state: 'idle' | 'busy' | 'lost') => ({ id, host: 'h', pid: 1, registeredMs: 0, lastHeartbeatMs: 0, state, held: [] });
  const s = buildJobSnapshot({
    jobId: 'j', state: 'MAPPING', workerFile: '', inputs: [], startedMs: 0, finishedMs: 0,
    maps: [done, running, ...idle], reduces: [reduce], workers: [worker('a', 'busy'), worker('b', 'idle'), worker('c', 'lost')],
    counters: {}, userCounters: {}, outputKeys: [],
  }, 1400);
  // Maps: 600 (running) + 3 x 1000 over 2 live workers = 1800; the reduce borrows 1000.
  assert.equal(s.etaMs, 2800);
  assert.equal(s.finishedMs, 0);
  assert.equal(s.elapsedMs, 1400);
  assert.equal(s.attempts[1]!.endedMs, null);
});

test('a speculative copy that wins: the timeline marks it, the slow original is a duplicate, counters count once', async () => {
  const { Scheduler } = await import('../src/scheduler.js');
  const split = (i: number) => ({ inputKey: `in/${i}`, inputName: `${i}.txt`, start: 0, end: 10, fileSize: 10 });
  const s = new Scheduler([split(0), split(1)], { reducers: 1, maxAttempts: 3, maxKilledAttempts: 10 });
  const m0 = s.assign('w1', 0)!;
  const m1 = s.assign('w2', 0)!;
  s.succeeded(m0.task.id, m0.attempt, 1000);
  s.commitDone(m0.task.id, [], { mapInputRecords: 4 }, { seen: 4 });
  const backup = s.assign('w3', 20_000)!;
  assert.equal(backup.task.id, m1.task.id, 'the straggler gets a backup copy');
  assert.equal(s.succeeded(backup.task.id, backup.attempt, 21_000), 'commit');
  s.commitDone(backup.task.id, [], { mapInputRecords: 6 }, { seen: 6 });
  assert.equal(s.succeeded(m1.task.id, m1.attempt, 22_000), 'ignore', 'the original reports late');
  const totals = s.totals();
  assert.deepEqual(totals, { counters: { mapInputRecords: 10 }, userCounters: { seen: 10 } });
  const snap = buildJobSnapshot({
    jobId: 'j', state: s.phase, workerFile: '', inputs: [], startedMs: 0, finishedMs: 0, maps: s.maps, reduces: s.reduces,
    workers: [], ...totals, outputKeys: [],
  }, 23_000);
  assert.deepEqual(
    snap.attempts.map((a) => [a.taskId, a.workerId, a.outcome, a.speculative]),
    [['m-00000', 'w1', 'committed', false], ['m-00001', 'w2', 'superseded', false], ['m-00001', 'w3', 'committed', true]],
  );
  assert.deepEqual(snap.counters, { mapInputRecords: 10 });
  assert.deepEqual(snap.maps, { total: 2, done: 2, running: 0, pending: 0, failedAttempts: 0, killedAttempts: 0 });
});

test('the snapshot says whether the job is map-only, live and rebuilt from a summary', async () => {
  const base = { jobId: 'j', state: 'SUCCEEDED' as const, workerFile: '', inputs: [], startedMs: 0, finishedMs: 10, maps: [newTask('MAP', 0)], reduces: [], workers: [], counters: {}, userCounters: {}, outputKeys: ['jobs/j/output/part-m-00000'] };
  assert.equal(buildJobSnapshot({ ...base, mapOnly: true }, 10).mapOnly, true);
  assert.equal(buildJobSnapshot(base, 10).mapOnly, false);
  const { snapshotFromSummary } = await import('../src/summary-snapshot.js');
  const summary = { jobId: 'j', state: 'SUCCEEDED' as const, workerFile: '', inputs: [], maps: 1, reducers: 0, mapOnly: true, startedMs: 0, finishedMs: 10, counters: {}, userCounters: {}, outputKeys: [], tasks: [] };
  assert.equal(snapshotFromSummary(summary).mapOnly, true);
});
