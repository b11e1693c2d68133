import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type SchedulerOptions } from '../src/scheduler.js';
import { split } from './support/fixtures.js';


function scheduler(maps: number, options: Partial<SchedulerOptions> = {}) {
  return new Scheduler(Array.from({ length: maps }, (_, i) => split(i)), { reducers: 1, maxAttempts: 2, maxKilledAttempts: 10, ...options });
}

function commit(s: Scheduler, taskId: string, attempt: number, now: number) {
  assert.equal(s.succeeded(taskId, attempt, now), 'commit');
  s.commitDone(taskId, [], {}, {});
}

test('near the end of a phase an idle worker gets a backup of a straggler; the first to finish wins', () => {
  const s = scheduler(3);
  const a = s.assign('w1', 0)!;
  const b = s.assign('w2', 0)!;
  const c = s.assign('w3', 0)!;
  commit(s, a.task.id, a.attempt, 2000);
  commit(s, b.task.id, b.attempt, 3000);
  assert.equal(s.assign('w1', 5000), null, 'c at 5 s is not a straggler yet');
  const backup = s.assign('w1', 14_000)!;
  assert.equal(backup.task.id, c.task.id);
  assert.equal(backup.task.attempts.at(-1)!.speculative, true);
  assert.equal(s.assign('w2', 14_001), null, 'one backup per task');
  commit(s, backup.task.id, backup.attempt, 15_000);
  assert.equal(s.succeeded(c.task.id, c.attempt, 16_000), 'ignore', 'the original is now a duplicate');
  assert.equal(c.task.attempts[0]!.outcome, 'superseded');
});

test('a worker never gets a backup of its own attempt', () => {
  const s = scheduler(2);
  const a = s.assign('w1', 0)!;
  const b = s.assign('w2', 0)!;
  commit(s, a.task.id, a.attempt, 1000);
  assert.equal(s.assign('w2', 60_000), null);
  assert.equal(s.assign('w1', 60_000)!.task.id, b.task.id);
});

test('with speculation disabled nothing is duplicated', () => {
  const s = scheduler(2, { speculation: { enabled: false, factor: 2, minExtraMs: 0, minCompleted: 1 } });
  const a = s.assign('w1', 0)!;
  s.assign('w2', 0);
  commit(s, a.task.id, a.attempt, 1000);
  assert.equal(s.assign('w1', 1e9), null);
});

test('an attempt with no progress for taskTimeoutMs fails, counting toward maxAttempts, and runs again', () => {
  const s = scheduler(1, { taskTimeoutMs: 1000 });
  const a = s.assign('w1', 0)!;
  s.progress(a.task.id, a.attempt, 10, 500);
  assert.deepEqual(s.expireStalled(1400), [], 'progress at 500 ms restarts the clock');
  s.progress(a.task.id, a.attempt, 10, 1200); // same value: no progress
  const stalled = s.expireStalled(1600);
  assert.deepEqual(stalled, [{ taskId: a.task.id, attempt: a.attempt, workerId: 'w1' }]);
  assert.equal(a.task.attempts[0]!.outcome, 'failed');
  assert.equal(a.task.failures, 1, 'a hang is the task\'s failure, not a lost worker');
  assert.equal(a.task.kills, 0);
  assert.equal(s.assign('w2', 1700)!.task.id, a.task.id);
});

test('a task that times out on every attempt fails the job as the user\'s, saying timed out and where', () => {
  const s = scheduler(1, { taskTimeoutMs: 1000, maxAttempts: 2 });
  for (let i = 0; i < 2; i++) {
    s.assign('w1', i * 5000);
    s.expireStalled(i * 5000 + 1500);
  }
  assert.equal(s.phase, 'FAILED');
  assert.equal(s.failure!.kind, 'user');
  assert.match(s.failure!.summary, /^task m-00000 timed out after 1000 ms \(input 0\.txt, split at byte 0\) on 2 attempts/);
});

test('an attempt stalled only behind the hung one of its batch is killed, not failed', () => {
  const s = scheduler(2, { taskTimeoutMs: 1000 });
  const a = s.assign('w1', 0)!;
  const b = s.assign('w1', 0)!;
  s.expireStalled(1500, (x) => x.taskId === a.task.id);
  assert.equal(a.task.failures, 1);
  assert.equal(b.task.failures, 0);
  assert.equal(b.task.attempts[0]!.outcome, 'killed');
  assert.equal(b.task.kills, 0, 'it did not hang');
});

test('--skip-bad-records skips the chunk that failed every attempt, and reports it', () => {
  const s = scheduler(1, { skipBadRecords: true });
  const bad = { message: 'boom', stack: 'Error: boom', input: '0.txt', offset: 4096, key: '', userCode: true };
  for (let i = 0; i < 2; i++) {
    const a = s.assign('w1', i)!;
    s.failed(a.task.id, a.attempt, bad, i);
  }
  assert.notEqual(s.phase, 'FAILED');
  const again = s.assign('w1', 3)!;
  assert.deepEqual(again.task.skipOffsets, [4096]);
  assert.deepEqual(s.skipped, [{ task: 'm-00000', input: '0.txt', offset: 4096, key: '', message: 'boom' }]);
  // The same chunk failing again (it is skipped, so something else fails) fails the job.
  s.failed(again.task.id, again.attempt, bad, 4);
  const last = s.assign('w1', 5)!;
  s.failed(last.task.id, last.attempt, bad, 6);
  assert.equal(s.phase, 'FAILED');
});

test('failures of gomr itself (not user code) are never skipped', () => {
  const s = scheduler(1, { skipBadRecords: true });
  for (let i = 0; i < 2; i++) {
    const a = s.assign('w1', i)!;
    s.failed(a.task.id, a.attempt, { message: 'disk full', stack: '', input: '', offset: 0, key: '', userCode: false }, i);
  }
  assert.equal(s.phase, 'FAILED');
});

test('a restarted master restores committed tasks and numbers attempts above the old ones', () => {
  const s = scheduler(2);
  s.setAttemptBase(1000);
  s.restoreCommitted('m-00000', 3, [{ partition: 0, key: 'run-a', bytes: 1, records: 1 }], { mapInputRecords: 4 }, {});
  const a = s.assign('w1', 0)!;
  assert.equal(a.task.id, 'm-00001', 'the committed task is not run again');
  assert.equal(a.attempt, 1001);
  commit(s, a.task.id, a.attempt, 1);
  assert.equal(s.phase, 'REDUCING');
  assert.deepEqual(s.assign('w1', 2)!.runKeys, ['run-a']);
  assert.equal(s.totals().counters.mapInputRecords, 4);
});

test('storage unreachable for a whole retry budget fails the job at once, as a storage failure', () => {
  const s = scheduler(2, { maxAttempts: 4 });
  const a = s.assign('w1', 0)!;
  s.failed(a.task.id, a.attempt, { message: 'storage s3://b unreachable for 30 s', stack: '', input: '', offset: 0, key: '', userCode: false, storageUnreachable: true }, 1);
  assert.equal(s.phase, 'FAILED');
  assert.equal(s.failure!.kind, 'storage');
  assert.match(s.failure!.summary, /storage failure in task m-00000: storage s3:\/\/b unreachable/);
});

test("gomr's own errors fail the job as a runtime failure, not as the user's", () => {
  const s = scheduler(1, { maxAttempts: 1 });
  const a = s.assign('w1', 0)!;
  s.failed(a.task.id, a.attempt, { message: 'bad run file', stack: '', input: '', offset: 0, key: '', userCode: false }, 1);
  assert.equal(s.failure!.kind, 'runtime');
  assert.match(s.failure!.summary, /^task m-00000 failed after 1 attempts: bad run file/);
});

test('--skip-bad-records does not blame a chunk for an error that names none (a combiner)', () => {
  const s = scheduler(1, { skipBadRecords: true });
  for (let i = 0; i < 2; i++) {
    const a = s.assign('w1', i)!;
    s.failed(a.task.id, a.attempt, { message: 'combiner threw', stack: '', input: '', offset: 0, key: 'poison', userCode: true }, i);
  }
  assert.equal(s.phase, 'FAILED');
  assert.deepEqual(s.skipped, []);
});
