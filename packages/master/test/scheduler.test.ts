import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from '../src/scheduler.js';
import { split } from './support/fixtures.js';

const err = (message: string) => ({ message, stack: `Error: ${message}`, input: '0.txt', offset: 0, key: '' });

function scheduler(maps = 2, reducers = 1, maxAttempts = 3) {
  return new Scheduler(Array.from({ length: maps }, (_, i) => split(i)), { reducers, maxAttempts, maxKilledAttempts: 5 });
}

test('maps run before reduces, and reduces get the committed runs in map order', () => {
  const s = scheduler(2, 2);
  const a = s.assign('w1', 0)!;
  const b = s.assign('w2', 0)!;
  assert.equal(s.assign('w3', 0), null, 'no reduce before all maps commit');
  for (const [x, keys] of [[b, ['b0', 'b1']], [a, ['a1']]] as const) {
    assert.equal(s.succeeded(x.task.id, x.attempt, 1), 'commit');
    s.commitDone(x.task.id, keys.map((k) => ({ partition: Number(k[1]), key: k, bytes: 1, records: 1 })), { mapOutputRecords: 2 }, {});
  }
  assert.equal(s.phase, 'REDUCING');
  const r0 = s.assign('w1', 2)!;
  assert.equal(r0.task.kind, 'REDUCE');
  assert.deepEqual(r0.runKeys, ['b0']);
  const r1 = s.assign('w2', 2)!;
  assert.deepEqual(r1.runKeys, ['a1', 'b1'], 'map order, not completion order');
});

test('exactly one attempt commits; late duplicates are ignored', () => {
  const s = scheduler(1, 1);
  const first = s.assign('w1', 0)!;
  s.killed(first.task.id, first.attempt, 'lost', 1);
  const second = s.assign('w2', 2)!;
  assert.equal(second.attempt, 2);
  assert.equal(s.succeeded(second.task.id, 2, 3), 'commit');
  s.commitDone(second.task.id, [], {}, {});
  assert.equal(s.succeeded(first.task.id, 1, 4), 'ignore', 'a killed attempt that reports late is ignored');
});

test('counters are summed over committed attempts only', () => {
  const s = scheduler(2, 1);
  const a = s.assign('w1', 0)!;
  s.failed(a.task.id, a.attempt, err('boom'), 1);
  const a2 = s.assign('w2', 1)!;
  assert.equal(a2.task.id, a.task.id, 'a failed task runs again');
  s.succeeded(a2.task.id, a2.attempt, 2);
  s.commitDone(a2.task.id, [], { mapInputRecords: 5 }, { seen: 1 });
  const b = s.assign('w1', 3)!;
  s.succeeded(b.task.id, b.attempt, 4);
  s.commitDone(b.task.id, [], { mapInputRecords: 7 }, { seen: 2 });
  assert.deepEqual(s.totals(), { counters: { mapInputRecords: 12 }, userCounters: { seen: 3 } });
});

test('a task failing maxAttempts times fails the job with its message and location', () => {
  const s = scheduler(1, 1, 2);
  for (let i = 0; i < 2; i++) {
    const a = s.assign(`w${i}`, i)!;
    s.failed(a.task.id, a.attempt, err('bad record'), i);
  }
  assert.equal(s.phase, 'FAILED');
  assert.match(s.failure!.summary, /mapper failed in task m-00000 after 2 attempts \(input 0\.txt, chunk at byte 0\): bad record/);
});

test('killed attempts do not count as failures, but a cap stops endless loss', () => {
  const s = scheduler(1, 1, 1);
  for (let i = 0; i < 4; i++) {
    const a = s.assign('w', i)!;
    s.killed(a.task.id, a.attempt, 'worker died', i);
    assert.notEqual(s.phase, 'FAILED');
  }
  const a = s.assign('w', 5)!;
  s.killed(a.task.id, a.attempt, 'worker died', 5);
  assert.equal(s.phase, 'FAILED');
  assert.match(s.failure!.summary, /lost with its worker 5 times/);
});

test('a worker that failed a task gets a different task first', () => {
  const s = scheduler(2, 1);
  const a = s.assign('w1', 0)!;
  s.failed(a.task.id, a.attempt, err('x'), 1);
  const next = s.assign('w1', 2)!;
  assert.notEqual(next.task.id, a.task.id);
});

test('a task that fails or is lost after later ones started is the next one handed out', () => {
  const s = scheduler(5);
  const started = [0, 1, 2].map(() => s.assign('w1', 0)!);
  assert.deepEqual(started.map((a) => a.task.index), [0, 1, 2]);
  s.killed(started[1]!.task.id, started[1]!.attempt, 'lost', 1);
  assert.equal(s.assign('w2', 2)!.task.index, 1, 'the freed task before the untouched ones');
  s.failed(started[0]!.task.id, started[0]!.attempt, err('x'), 3);
  assert.equal(s.assign('w2', 4)!.task.index, 0);
  assert.equal(s.assign('w2', 5)!.task.index, 3);
});

test('totals add the counters of each committed task once, and of nothing else', () => {
  const s = scheduler(3);
  const a = s.assign('w1', 0)!;
  const b = s.assign('w1', 0)!;
  assert.equal(s.succeeded(a.task.id, a.attempt, 1), 'commit');
  s.commitDone(a.task.id, [], { mapInputRecords: 2 }, { mine: 1 });
  s.failed(b.task.id, b.attempt, err('x'), 1);
  const t = s.totals();
  assert.deepEqual(t, { counters: { mapInputRecords: 2 }, userCounters: { mine: 1 } });
  t.counters.mapInputRecords = 99; // a copy: callers cannot change the sums
  s.restoreCommitted(a.task.id, 1, [], { mapInputRecords: 2 }, {}); // already committed: ignored
  assert.deepEqual(s.totals().counters, { mapInputRecords: 2 });
});

test('a map-only job (no reducers) goes from MAPPING to COMMITTING once every map commits, with no reduce phase', () => {
  const s = scheduler(2, 0);
  assert.equal(s.mapOnly, true);
  assert.equal(s.reduces.length, 0);
  const a = s.assign('w1', 0)!;
  const b = s.assign('w2', 0)!;
  assert.equal(s.succeeded(a.task.id, a.attempt, 1), 'commit');
  s.commitDone(a.task.id, [{ partition: 0, key: 'out/part-m-00000', bytes: 1, records: 1 }], {}, {});
  assert.equal(s.phase, 'MAPPING', 'one map still running');
  assert.equal(s.assign('w1', 2), null, 'nothing to hand out but a backup copy, and none is due');
  assert.equal(s.succeeded(b.task.id, b.attempt, 3), 'commit');
  s.commitDone(b.task.id, [{ partition: 0, key: 'out/part-m-00001', bytes: 1, records: 1 }], {}, {});
  assert.equal(s.phase, 'COMMITTING');
  assert.equal(s.assign('w1', 4), null);
  // A job with reducers is never map-only.
  assert.equal(scheduler(1, 1).mapOnly, false);
});
