import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareTaskIds, isFailureKind, isFinalJobState, jobKeys, mapPartName, parseTaskId, partName, runName, summaryJobId, taskId,
  PART_FILE_NAME, type TaskKind,
} from '../src/job-layout.js';
import { jobLogsPrefix, logPrefix } from '../src/log-objects.js';

test('task ids round-trip through taskId and parseTaskId for steps 0..3, map and reduce', () => {
  for (const step of [0, 1, 2, 3]) {
    for (const kind of ['MAP', 'REDUCE'] as TaskKind[]) {
      for (const index of [0, 7, 99999, 123456]) {
        const id = taskId(kind, index, step);
        assert.deepEqual(parseTaskId(id), { step, kind, index }, id);
      }
    }
  }
  assert.equal(taskId('MAP', 3), 'm-00003');
  assert.equal(taskId('REDUCE', 1, 0), 'r-00001');
  assert.equal(taskId('MAP', 3, 1), 's1-m-00003');
  assert.equal(taskId('REDUCE', 12, 3), 's3-r-00012');
});

test('parseTaskId refuses what taskId never builds', () => {
  for (const s of ['nope', 'm-3', 'x-00001', 's-m-00001', 's1m-00001', 'm-00001 ', 'r-0000a', 'replay-worker']) {
    assert.equal(parseTaskId(s), undefined, s);
  }
});

test('task ids order by step, then maps before reduces, then index', () => {
  const ids = ['s1-r-00000', 'r-00001', 'm-00010', 's1-m-00002', 'm-00002', 'r-00000'];
  assert.deepEqual([...ids].sort(compareTaskIds), ['m-00002', 'm-00010', 'r-00000', 'r-00001', 's1-m-00002', 's1-r-00000']);
});

test('part and run names, as the workers write them', () => {
  assert.equal(partName(3), 'part-00003');
  assert.equal(mapPartName(3), 'part-m-00003');
  assert.equal(runName(0), 'part-00000.run');
  for (const name of ['part-00003', 'part-m-00003', 'part-00003.gz', 'part-m-123456.gz']) assert.ok(PART_FILE_NAME.test(name), name);
  for (const name of ['part-00003.run', 'skipped.jsonl', 'part-x-00001']) assert.ok(!PART_FILE_NAME.test(name), name);
});

test('every object key of a job, byte for byte', () => {
  const j = 'j1';
  assert.equal(jobKeys.spec(j), 'specs/j1.json');
  assert.equal(jobKeys.root(j), 'jobs/j1/');
  assert.equal(jobKeys.inputs(j), 'jobs/j1/input/');
  assert.equal(jobKeys.input(j, 'a.txt'), 'jobs/j1/input/a.txt');
  assert.equal(jobKeys.sideFile(j, 'dict.txt'), 'jobs/j1/files/dict.txt');
  assert.equal(jobKeys.bundle(j), 'jobs/j1/worker.mjs');
  assert.equal(jobKeys.mapAttempt(j, 'm-00003', 2), 'jobs/j1/map/m-00003.a2.');
  assert.equal(jobKeys.reduceAttempt(j, 's1-r-00001', 1), 'jobs/j1/reduce/s1-r-00001.a1.');
  assert.equal(`${jobKeys.mapAttempt(j, 'm-00003', 2)}${runName(0)}`, 'jobs/j1/map/m-00003.a2.part-00000.run');
  assert.deepEqual(jobKeys.intermediate(j), ['jobs/j1/map/', 'jobs/j1/reduce/']);
  assert.equal(jobKeys.output(j), 'jobs/j1/output/');
  assert.equal(jobKeys.part(j, 3), 'jobs/j1/output/part-00003');
  assert.equal(jobKeys.mapPart(j, 3), 'jobs/j1/output/part-m-00003');
  assert.equal(jobKeys.skippedDir(j), 'jobs/j1/output/_skipped/');
  assert.equal(jobKeys.skipped(j, 'm-00000'), 'jobs/j1/output/_skipped/m-00000.jsonl');
  assert.equal(jobKeys.summary(j), 'jobs/j1/summary.json');
  assert.equal(jobKeys.commits(j), 'jobs/j1/commits/');
  assert.equal(jobKeys.commit(j, 'r-00002'), 'jobs/j1/commits/r-00002.json');
  assert.equal(jobKeys.commitBatch(j, 2, 5), 'jobs/j1/commits/batch-e2-5.json');
  assert.equal(jobKeys.epoch(j), 'jobs/j1/epoch.json');
  assert.equal(jobKeys.logs(j), 'jobs/j1/logs/');
  assert.equal(jobKeys.log(j, 'worker-3'), 'jobs/j1/logs/worker-3/');
  assert.equal(jobKeys.replay(j, 'm-00001', 'ab12cd34'), 'jobs/j1/replay-m-00001-ab12cd34/');
  // The log helpers storage has always exported name the same folders.
  assert.equal(logPrefix(j, 'master'), jobKeys.log(j, 'master'));
  assert.equal(jobLogsPrefix(j), jobKeys.logs(j));
});

test('summaryJobId finds the job of a summary key, and only of one', () => {
  assert.equal(summaryJobId(jobKeys.summary('wc-20250101-abc')), 'wc-20250101-abc');
  assert.equal(summaryJobId('jobs/j1/output/summary.json'), undefined);
  assert.equal(summaryJobId('jobs/j1/summary.json.tmp'), undefined);
});

test('failure kinds are the four a master reports', () => {
  for (const k of ['user', 'storage', 'runtime', 'input']) assert.ok(isFailureKind(k), k);
  for (const k of ['', 'USER', 'timeout']) assert.ok(!isFailureKind(k), k);
});

test('a job is over in SUCCEEDED or FAILED only', () => {
  for (const s of ['SUCCEEDED', 'FAILED']) assert.ok(isFinalJobState(s), s);
  for (const s of ['MAPPING', 'REDUCING', 'COMMITTING', 'FINISHING', 'JOB_STATE_UNSPECIFIED', 'STOPPED']) assert.ok(!isFinalJobState(s), s);
});
