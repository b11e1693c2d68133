// Distributed grep, tested in-process with runJob. The worker compiles its pattern once per
// process (as one gomr worker does per job), so this file uses one pattern throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { runJob } from '@gomr/sdk/testing';

const worker = new URL('./worker.ts', import.meta.url);
const data = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => new URL(`../data/${f}`, import.meta.url).pathname);
const params = { pattern: '\\b(river|bell)\\b', flags: 'i' };

test('matching lines by file, in file order, over many splits', async () => {
  const { records, userCounters } = await runJob<string>(worker, data, { mappers: 9, reducers: 2, params });
  const re = new RegExp(params.pattern, params.flags);
  const expected: [string, string][] = [];
  for (const path of data) for (const line of (await readFile(path, 'utf8')).split('\n')) if (re.test(line)) expected.push([basename(path), line]);
  const byFile = (rs: [string, string][], f: string) => rs.filter(([k]) => k === f).map(([, v]) => v);
  for (const path of data) assert.deepEqual(byFile(records, basename(path)), byFile(expected, basename(path)));
  assert.equal(records.length, expected.length);
  assert.equal(userCounters['matching lines'], expected.length);
});

test('a line split across map tasks is read once', async () => {
  const text = 'river\n' + 'x'.repeat(100) + ' bell\n' + 'none\n';
  const { records } = await runJob(worker, { 't.txt': text }, { mappers: 20, params });
  assert.deepEqual(records, [['t.txt', 'river'], ['t.txt', 'x'.repeat(100) + ' bell']]);
});
