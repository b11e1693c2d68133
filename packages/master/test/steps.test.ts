import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler } from '../src/scheduler.js';
import { compareTaskIds, parseTaskId, taskId } from '@gomr/storage';
import { JobMaster, parseJobSpec } from '../src/index.js';
import { snapshotOfMaster } from '../src/master-snapshot.js';
import { okReport, split } from './support/fixtures.js';
import { testSpec } from './support/test-spec.js';
import { tempStore } from './support/temp-store.js';

/** Runs every task of the current phase to a commit; a reduce's output is the run `out/<id>`. */
function commitPhase(s: Scheduler, now = 0): string[] {
  const ids: string[] = [];
  const [phase, step] = [s.phase, s.step];
  while (s.phase === phase && s.step === step) {
    const a = s.assign('w', now);
    if (!a) break;
    ids.push(a.task.id);
    assert.equal(s.succeeded(a.task.id, a.attempt, now), 'commit');
    const outputs = a.task.kind === 'REDUCE' ? [{ partition: a.task.index, key: `out/${a.task.id}`, bytes: 1, records: 1 }] : [{ partition: 0, key: `run/${a.task.id}`, bytes: 1, records: 1 }];
    s.commitDone(a.task.id, outputs, { records: 1 }, {});
  }
  return ids;
}

test('task ids: step 0 keeps the plain ids; later steps are prefixed; ids parse and sort by step', () => {
  assert.equal(taskId('MAP', 3), 'm-00003');
  assert.equal(taskId('REDUCE', 1, 0), 'r-00001');
  assert.equal(taskId('MAP', 3, 1), 's1-m-00003');
  assert.deepEqual(parseTaskId('s12-r-00002'), { step: 12, kind: 'REDUCE', index: 2 });
  assert.equal(parseTaskId('nope'), undefined);
  const ids = ['s10-m-00000', 's2-r-00000', 'r-00001', 's2-m-00001', 'm-00002', 'r-00000', 's2-m-00000'];
  assert.deepEqual([...ids].sort(compareTaskIds), ['m-00002', 'r-00000', 'r-00001', 's2-m-00000', 's2-m-00001', 's2-r-00000', 's10-m-00000']);
});

test('a job of 3 steps: each step maps one task per reduce of the step before, reading its output, then the job commits', () => {
  const s = new Scheduler([split(0), split(1), split(2)], { reducers: 2, maxAttempts: 2, maxKilledAttempts: 5, steps: [2, 3, 1] });
  assert.deepEqual(commitPhase(s), ['m-00000', 'm-00001', 'm-00002']);
  assert.equal(s.phase, 'REDUCING');
  assert.ok(s.isIntermediate(s.reduces[0]!));
  assert.deepEqual(commitPhase(s), ['r-00000', 'r-00001']);
  // Step 2 is planned now: two maps, each reading one reduce's output.
  assert.equal(s.step, 1);
  assert.equal(s.phase, 'MAPPING');
  const m = s.assign('w', 1)!;
  assert.equal(m.task.id, 's1-m-00000');
  assert.deepEqual(m.runKeys, ['out/r-00000']);
  s.killed(m.task.id, m.attempt, 'lost', 1);
  assert.deepEqual(commitPhase(s), ['s1-m-00000', 's1-m-00001']);
  assert.deepEqual(commitPhase(s), ['s1-r-00000', 's1-r-00001', 's1-r-00002']);
  assert.equal(s.step, 2);
  assert.equal(s.maps.length, 3);
  assert.equal(s.isIntermediate(s.reduces[0]!), false, 'the last step writes the output');
  commitPhase(s);
  commitPhase(s);
  assert.equal(s.phase, 'COMMITTING');
  // Each step's counters apart, the job's summed.
  assert.deepEqual(s.steps.map((st) => st.counters.records), [5, 5, 4]);
  assert.equal(s.totals().counters.records, 14);
  assert.equal(s.allTasks().length, 14);
  assert.equal(s.task('m-00001')!.state, 'committed', 'earlier steps stay known (late reports are ignored)');
  assert.equal(s.succeeded('m-00001', 1, 9), 'repeat');
});

test('a restarted master resumes a job of steps at the step and task where it stopped', async () => {
  const { root, storage, remove } = await tempStore('gomr-steps-');
  try {
    const spec = testSpec(root, { jobId: 'steps', size: 400, maps: 2, reducers: 2, steps: [{ reducers: 2 }, { reducers: 1 }] });
    const first = await JobMaster.open(spec, storage);
    const w = first.register('h', 1).workerId;
    assert.equal(first.register('h', 9).steps, 2, 'workers learn the job has steps');
    const done: string[] = [];
    const runOne = async (m: JobMaster, worker: string) => {
      const t = m.getTask(worker).task!;
      const outputs = t.kind === 'REDUCE' ? [{ partition: t.index!, key: `${t.outputPrefix}part.run`, bytes: 1, records: 1 }] : [];
      await m.reportTask(okReport(worker, t.taskId!, t.attempt!, { outputs }));
      done.push(t.taskId!);
      return t;
    };
    for (let i = 0; i < 4; i++) await runOne(first, w);
    // Step 2's first map: it reads step 1's reduce 0, and says which step's code runs it.
    const s1 = await runOne(first, w);
    assert.deepEqual([s1.taskId, s1.step, s1.reducers, s1.runKeys], ['s1-m-00000', 1, 1, [`jobs/steps/reduce/r-00000.a1.part.run`]]);
    assert.equal(first.status().step, 1);
    assert.deepEqual(first.status().steps!.map((x) => x.state), ['DONE', 'MAPPING']);
    // The status page's snapshot has each step, and its timeline every step's attempts.
    const snap = snapshotOfMaster(first, Date.now());
    assert.deepEqual(snap.steps!.map((x) => [x.step, x.state, x.maps.total, x.reduces.total]), [[0, 'DONE', 2, 2], [1, 'MAPPING', 2, 1]]);
    assert.deepEqual([...new Set(snap.attempts.map((x) => x.taskId))].sort(), ['m-00000', 'm-00001', 'r-00000', 'r-00001', 's1-m-00000']);
    first.stop();

    const second = await JobMaster.open(spec, storage);
    assert.equal(second.status().step, 1, 'resumed at step 2');
    assert.deepEqual(second.status().steps!.map((x) => [x.maps!.done, x.reduces!.done]), [[2, 2], [1, 0]]);
    const w2 = second.register('h', 2).workerId;
    const next = second.getTask(w2).task!;
    assert.equal(next.taskId, 's1-m-00001', 'only what was not committed runs');
    assert.ok(next.attempt! > 1000, 'attempt numbers continue above the first master\'s');
    second.stop();
  } finally {
    await remove();
  }
});

test('a spec of steps: a step before the last needs reducers', () => {
  assert.throws(() => parseJobSpec({
    jobId: 'x', token: '', inputs: [], inputStorage: { kind: 'local', root: '/' }, storage: { kind: 'local', root: '/' }, maps: 1, reducers: 1,
    steps: [{ reducers: 0 }, { reducers: 1 }],
  }), /steps\.0\.reducers: a step before the last needs reducers/);
});

test('failure handling holds per step: a straggler of step 2 gets a backup, judged by step 2\'s own task times; a bad record is skipped', () => {
  const s = new Scheduler([split(0)], {
    reducers: 3, maxAttempts: 1, maxKilledAttempts: 5, steps: [3, 1], skipBadRecords: true,
    speculation: { enabled: true, factor: 2, minExtraMs: 100, minCompleted: 1 },
  });
  commitPhase(s);
  commitPhase(s);
  assert.equal(s.step, 1);
  // Step 1's tasks took no time; step 2's first two take 1 s: the third is a straggler past 2 s.
  const [a, b, c] = [s.assign('w1', 1000)!, s.assign('w2', 1000)!, s.assign('w3', 1000)!];
  for (const x of [a, b]) {
    s.succeeded(x.task.id, x.attempt, 2000);
    s.commitDone(x.task.id, [], {}, {});
  }
  assert.equal(s.assign('w1', 2500), null, 'not yet a straggler by step 2\'s times');
  const backup = s.assign('w1', 3500)!;
  assert.equal(backup.task.id, c.task.id);
  assert.equal(backup.task.attempts.at(-1)!.speculative, true);
  // Its mapper throws on record 7 (maxAttempts 1): the record is skipped, the task goes on without it.
  s.failed(c.task.id, c.attempt, { message: 'bad', stack: '', input: 'r-00002', offset: 7, key: '', userCode: true }, 3600);
  assert.notEqual(s.phase, 'FAILED');
  assert.deepEqual(s.task('s1-m-00002')!.skipOffsets, [7]);
  assert.deepEqual(s.skipped.map((x) => [x.task, x.offset]), [['s1-m-00002', 7]]);
});
