// A unit test of the word-count job, as a user writes one: runJob runs worker.ts in-process.
//   node --test examples/wordcount/worker.test.ts                                   (Node 23.6+)
//   node --import @gomr/sdk/testing/register --test examples/wordcount/worker.test.ts  (Node 20)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { runJob } from '@gomr/sdk/testing';

const worker = new URL('./worker.ts', import.meta.url);
const data = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => new URL(`../data/${f}`, import.meta.url).pathname);

/** The independent computation: every word, counted in a Map. */
function count(texts: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) for (const w of text.split(/[^\p{L}]+/u)) if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

test('word count of in-memory inputs, over 3 splits and 2 part files', async () => {
  const inputs = { 'a.txt': 'the cat sat\non the mat\n', 'b.txt': 'The cat, the hat.\n' };
  const { records, parts, counters } = await runJob(worker, inputs, { mappers: 3, reducers: 2 });
  assert.deepEqual(new Map(records), count(Object.values(inputs)));
  assert.equal(parts.length, 2);
  assert.equal(parts.join('').split('\n').filter(Boolean).length, records.length);
  assert.equal(counters.mapInputRecords, 3);
});

test('word count of the example texts equals a count in a Map', async () => {
  const { records } = await runJob<number>(worker, data, { mappers: 5, reducers: 3 });
  const expected = count(await Promise.all(data.map((f) => readFile(f, 'utf8'))));
  assert.deepEqual(new Map(records), expected);
});
