// Sum of a CSV column per group, tested in-process with runJob.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runJob, RunJobError } from '@gomr/sdk/testing';

const worker = new URL('./worker.ts', import.meta.url);
const csv = new URL('../data/sales.csv', import.meta.url).pathname;

test('sales.csv: amount summed per region, header skipped and counted', async () => {
  const { records, userCounters } = await runJob<number>(worker, [csv], { mappers: 4, reducers: 2, params: { key: '0', value: '1' } });
  const expected = new Map<string, number>();
  for (const row of (await readFile(csv, 'utf8')).trim().split('\n').slice(1)) {
    const [region, amount] = row.split(',');
    expected.set(region!, (expected.get(region!) ?? 0) + Number(amount));
  }
  assert.deepEqual(new Map(records), expected);
  assert.equal(userCounters['skipped rows'], 1);
});

test('another column pair, and a bad column parameter fails with the worker\'s message', async () => {
  const { records } = await runJob<number>(worker, { 'x.csv': 'a,1,9\nb,2,8\na,3,7\n' }, { params: { key: '0', value: '2' } });
  assert.deepEqual(records, [['a', 16], ['b', 8]]);
  await assert.rejects(runJob(worker, { 'x.csv': 'a,1\n' }, { params: { key: '-1' } }), (err: unknown) => {
    assert.ok(err instanceof RunJobError);
    assert.match(err.message, /mapper failed in task m-00000 \(input x\.csv, chunk at byte 0\): --param key must be a column number, got -1/);
    assert.match(err.stack!, /examples\/sum-by-key\/worker\.ts:\d+:\d+/);
    return true;
  });
});
