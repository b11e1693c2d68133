// The inverted index, tested in-process with runJob (see examples/wordcount/worker.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { runJob } from '@gomr/sdk/testing';

const worker = new URL('./worker.ts', import.meta.url);
const data = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => new URL(`../data/${f}`, import.meta.url).pathname);

test('each word maps to the sorted list of the files containing it', async () => {
  const { records } = await runJob<string[]>(worker, data, { mappers: 6, reducers: 3 });
  const expected = new Map<string, Set<string>>();
  for (const path of data) {
    for (const w of (await readFile(path, 'utf8')).toLowerCase().split(/[^\p{L}]+/u)) {
      if (w) (expected.get(w) ?? expected.set(w, new Set()).get(w)!).add(basename(path));
    }
  }
  assert.deepEqual(new Map(records), new Map([...expected].map(([w, files]) => [w, [...files].sort()])));
});

test('in-memory files: a word in both lists both, once each', async () => {
  const { records, parts } = await runJob(worker, { 'b.txt': 'Sea and sky\n', 'a.txt': 'the SEA\nsea\n' });
  assert.deepEqual(records, [['and', ['b.txt']], ['sea', ['a.txt', 'b.txt']], ['sky', ['b.txt']], ['the', ['a.txt']]]);
  assert.equal(parts[0], 'and\t["b.txt"]\nsea\t["a.txt","b.txt"]\nsky\t["b.txt"]\nthe\t["a.txt"]\n');
});
