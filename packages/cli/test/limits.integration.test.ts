import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runGomr } from './support/run-gomr.js';

/** Counts that make no sense for a job on this machine are refused at once, in one line. */

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');
const sample = join(repoRoot, 'examples/data/river.txt');

async function refused(flags: string[], message: RegExp) {
  const r = await runGomr(['run', '--input', sample, ...flags, '--quiet', wordcount], { timeoutMs: 30_000 });
  assert.equal(r.code, 2, `exit 2; stderr:\n${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, message);
  assert.ok(r.ms < 20_000, `refused at once (${r.ms} ms)`);
}

test('--mappers 1e9 is refused', async () => {
  await refused(['--mappers', '1000000000'], /--mappers 1000000000 is too many: at most 100000 map tasks/);
});

test('--reducers 100000 is refused', async () => {
  await refused(['--reducers', '100000'], /--reducers 100000 is too many: at most 10000 reduce tasks/);
});

test('--workers 500 is refused, naming what this machine can run', async () => {
  await refused(['--workers', '500'], new RegExp(`--workers 500 is more than this machine can run: at most \\d+ .*${availableParallelism()} CPUs`));
});
