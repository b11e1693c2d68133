// Top words, tested in-process with runJob (both steps, through gomr's own data path) against
// a count done here with a Map.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { runJob } from '@gomr/sdk/testing';

const worker = new URL('./worker.ts', import.meta.url);
const data = new URL('../data/', import.meta.url);

/** The top n as the worker defines it, computed directly. */
function expectedTop(text: string, n: number): [string, [string, number]][] {
  const counts = new Map<string, number>();
  for (const word of text.toLowerCase().split(/[^\p{L}']+/u)) {
    const w = word.replace(/^'+|'+$/g, '');
    if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map((r, i) => [String(i + 1).padStart(2, '0'), r]);
}

test('the top 10 words of the example texts, with step 1 over 1, 3 and 8 partitions', async () => {
  const inputs = Object.fromEntries(readdirSync(data).filter((f) => f.endsWith('.txt')).map((f) => [f, readFileSync(new URL(f, data), 'utf8')]));
  const expected = expectedTop(Object.values(inputs).join('\n'), 10);
  for (const reducers of [1, 3, 8]) {
    const { records, parts } = await runJob(worker, inputs, { mappers: 4, reducers, params: { n: '10' } });
    assert.deepEqual(records, expected, `step 1 with ${reducers} reducers`);
    // Step 2 has one reducer whatever --reducers says: one part, ranks in order.
    assert.equal(parts.length, 1);
    assert.equal(parts[0]!.split('\n')[0], `01\t${JSON.stringify(expected[0]![1])}`);
  }
});

test('ties are broken by the word, and n caps the list', async () => {
  const { records } = await runJob(worker, { 'a.txt': 'b a c b a c d\n', 'b.txt': 'e e d\n' }, { reducers: 2, params: { n: '3' } });
  assert.deepEqual(records, [['01', ['a', 2]], ['02', ['b', 2]], ['03', ['c', 2]]]);
});

test('a step 2 count is a number: the value kept its JSON type between the steps', async () => {
  const { records } = await runJob(worker, { 'a.txt': 'x x y\n' }, { params: { n: '1' } });
  assert.deepEqual(records, [['01', ['x', 2]]]);
  assert.equal(typeof (records[0]![1] as [string, number])[1], 'number');
});
