import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JobMaster } from '../src/index.js';
import { okReport } from './support/fixtures.js';
import { testSpec } from './support/test-spec.js';
import { tempStore } from './support/temp-store.js';

/**
 * --skip-bad-records' dead letters in the master's commit path: the error of a unit given up on
 * goes to the next attempt (for its dead-letter line), the committed attempt's file is copied to
 * output/_skipped/<task>.jsonl, and, after a restart, the commit log still names it while no
 * reducer ever reads it as a run.
 */
test('the committed dead letter becomes output/_skipped/<task>.jsonl, survives a master restart, and is never a run', async () => {
  const { root, storage, remove } = await tempStore('gomr-master-');
  const spec = testSpec(root, { jobId: 'job-d', maxAttempts: 1, skipBadRecords: true, maxSkippedRecords: 7 });
  try {
    const first = await JobMaster.open(spec, storage);
    const reg = first.register('h', 1);
    assert.equal(reg.maxSkippedRecords, 7, 'workers learn the cap');
    const w = reg.workerId;
    const t1 = first.getTask(w).task!;
    await first.reportTask({
      ...okReport(w, t1.taskId!, t1.attempt!), ok: false,
      error: { message: 'poisoned line', stack: '', input: 'a.txt', offset: 64, key: '', userCode: true, storageUnreachable: false, inputChanged: false },
    });
    const t2 = first.getTask(w).task!;
    assert.deepEqual([t2.taskId, t2.skipOffsets, t2.skipErrors], ['m-00000', [64], ['poisoned line']]);
    const own = `${t2.outputPrefix}skipped.jsonl`;
    await storage.put(own, '{"task":"m-00000","line":"poison"}\n');
    await storage.put('run-0', 'x');
    await first.reportTask(okReport(w, t2.taskId!, t2.attempt!, {
      outputs: [{ partition: 0, key: 'run-0', bytes: 1, records: 1 }, { partition: -1, key: own, bytes: 35, records: 1 }],
    }));
    assert.equal((await storage.get('jobs/job-d/output/_skipped/m-00000.jsonl')).toString(), '{"task":"m-00000","line":"poison"}\n');
    first.stop();

    const second = await JobMaster.open(spec, storage);
    const w2 = second.register('h', 2).workerId;
    const r = second.getTask(w2).task!;
    assert.equal(r.taskId, 'r-00000');
    assert.deepEqual(r.runKeys, ['run-0'], 'the dead letter is not a run of the reducer');
    await storage.put('part-r', 'a\t1\n');
    await second.reportTask(okReport(w2, r.taskId!, r.attempt!, { outputs: [{ partition: 0, key: 'part-r', bytes: 4, records: 1 }] }));
    await second.whenFinished();
    assert.deepEqual(second.status().skippedKeys, ['jobs/job-d/output/_skipped/m-00000.jsonl']);
    const summary = JSON.parse((await storage.get('jobs/job-d/summary.json')).toString());
    assert.deepEqual(summary.skippedKeys, ['jobs/job-d/output/_skipped/m-00000.jsonl']);
    assert.deepEqual(summary.snapshot.skippedKeys, ['jobs/job-d/output/_skipped/m-00000.jsonl']);
    assert.equal((await storage.get('jobs/job-d/output/_skipped/m-00000.jsonl')).length, 35, 'kept when the intermediate objects go');
    second.stop();
  } finally {
    await remove();
  }
});
