// Runs the job in this process through gomr's own data path (runJob from @gomr/sdk/testing:
// the real split planner, map task, combiner, sort and reduce) on the sample input, and
// compares what it gives with a count made here, independently, with the same notion of a
// word. JavaScript, so `node --test` runs it on every supported Node; runJob bundles
// worker.ts itself.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runJob } from '@gomr/sdk/testing';

const sample = readFileSync(new URL('../input/sample.txt', import.meta.url), 'utf8');

test('the job counts every word of the sample exactly once', async () => {
  const { records } = await runJob(new URL('../worker.ts', import.meta.url), { 'sample.txt': sample }, { mappers: 3, reducers: 2 });
  assert.equal(new Set(records.map(([word]) => word)).size, records.length, 'a word appears in two records');
  const expected = new Map();
  for (const word of sample.split(/[^\p{L}]+/u)) if (word) expected.set(word, (expected.get(word) ?? 0) + 1);
  assert.deepEqual(new Map(records), expected);
});
