import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { buildTaskStory, createStatusServer, listenStatusServer, buildJobSnapshot, Scheduler, storyOfMaster, STORY_ATTEMPTS } from '../src/index.js';

const split = { inputKey: 'in.txt', inputName: 'in.txt', start: 0, end: 100, fileSize: 100 };
const failure = { message: 'boom', stack: 'Error: boom\n    at mapper (/w.ts:3:9)', input: 'in.txt', offset: 64, key: '', userCode: true };

test("a task's story names each attempt's outcome: failed, lost, timed out, speculative loser, committed", () => {
  const s = new Scheduler([split, { ...split, start: 100, end: 200, fileSize: 200 }], { reducers: 1, maxAttempts: 4, maxKilledAttempts: 10, taskTimeoutMs: 1000 });
  s.assign('w1', 0);
  // m-00001 commits at once: its time is what makes the slow m-00000 a straggler later.
  s.assign('w9', 0);
  assert.equal(s.succeeded('m-00001', 1, 5), 'commit');
  s.commitDone('m-00001', [], {}, {});
  s.failed('m-00000', 1, failure, { endedMs: 10, runMs: 10 });
  s.assign('w2', 20);
  s.killed('m-00000', 2, 'worker w2 lost', 30);
  s.assign('w3', 40);
  s.expireStalled(5000);
  s.assign('w4', 6000);
  s.progress('m-00000', 4, 1, 999_000);
  // A backup copy of the slow fourth attempt, which then wins.
  assert.equal(s.assign('w5', 1_000_000)?.task.id, 'm-00000', 'a backup copy');
  assert.equal(s.succeeded('m-00000', 5, { endedMs: 1_000_010, runMs: 10 }, { counters: { mapInputRecords: 7 }, userCounters: { lines: 7 } }), 'commit');
  s.commitDone('m-00000', [], { mapInputRecords: 7 }, { lines: 7 });
  assert.equal(s.succeeded('m-00000', 4, { endedMs: 1_000_020, runMs: 10 }, { counters: { mapInputRecords: 7 }, userCounters: {} }), 'ignore');

  const story = storyOfMaster({ scheduler: s }, 'm-00000')!;
  assert.equal(story.committed, true);
  assert.equal(story.input, 'in.txt');
  assert.deepEqual(story.range, [0, 100]);
  assert.deepEqual(story.attempts.map((a) => [a.attempt, a.workerId, a.outcome]), [
    [1, 'w1', 'failed'], [2, 'w2', 'lost'], [3, 'w3', 'timed out'], [4, 'w4', 'speculative loser'], [5, 'w5', 'committed'],
  ]);
  const [failed, , timedOut, loser, won] = story.attempts;
  assert.equal(failed!.error, 'boom');
  assert.equal(failed!.stack, failure.stack);
  assert.equal(failed!.offset, 64);
  assert.match(timedOut!.error, /timed out after 1000 ms/);
  assert.deepEqual(loser!.counters, { mapInputRecords: 7 }, "a loser's counters are its own report");
  assert.deepEqual(won!.userCounters, { lines: 7 });
  assert.equal(won!.speculative, true);
  assert.equal(storyOfMaster({ scheduler: s }, 'm-00009'), null);
  assert.equal(storyOfMaster({ scheduler: s }, 'r-00000')!.attempts.length, 0);
});

test('a story is bounded: the newest attempts, and how many earlier ones were left out', () => {
  const attempts = Array.from({ length: STORY_ATTEMPTS + 7 }, (_, i) => ({ attempt: i + 1, workerId: 'w', startedMs: i, endedMs: i + 1, outcome: 'failed' as const, error: 'x' }));
  const story = buildTaskStory({ id: 'r-00002', attempts });
  assert.equal(story.kind, 'REDUCE');
  assert.equal(story.attempts.length, STORY_ATTEMPTS);
  assert.equal(story.attempts[0]!.attempt, 8);
  assert.equal(story.earlierAttempts, 7);
});

test('a failed stack is kept to 8 KiB', () => {
  const s = new Scheduler([split], { reducers: 1, maxAttempts: 4, maxKilledAttempts: 10 });
  s.assign('w1', 0);
  s.failed('m-00000', 1, { ...failure, stack: 'Error: deep\n' + '    at f (/w.ts:1:1)\n'.repeat(2000) }, 10);
  const stack = s.task('m-00000')!.attempts[0]!.stack!;
  assert.ok(stack.length < 8300, String(stack.length));
  assert.match(stack, /more characters cut\)$/);
});

test('the status server serves a task story at /api/tasks/<id>, 404 for a task it lacks', async () => {
  const snapshot = buildJobSnapshot({ jobId: 'j', state: 'MAPPING', workerFile: '', inputs: [], startedMs: 0, finishedMs: 0, maps: [], reduces: [], workers: [], counters: {}, userCounters: {}, outputKeys: [] }, 0);
  const story = buildTaskStory({ id: 'm-00001', attempts: [] });
  const server = createStatusServer({ snapshot: () => snapshot, taskStory: (id) => (id === 'm-00001' ? story : null) });
  const port = await listenStatusServer(server, '127.0.0.1:0');
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}` } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      }).on('error', reject).end();
    });
  try {
    const ok = await get('/api/tasks/m-00001');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.body), story);
    assert.equal((await get('/api/tasks/m-00002')).status, 404);
    assert.equal((await get('/api/tasks/m-1')).status, 404);
  } finally {
    server.close();
  }
});
