import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { access, open, rm, truncate, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * An input that changes while the job runs (truncated, appended to, rewritten, deleted) fails the job,
 * exit 3, naming the file: it never gives exit 0 with a fraction of the input.
 */

const gated = join(repoRoot, 'packages/cli/test/fixtures/gated-worker.ts');

async function changedMidJob(change: (input: string) => Promise<void>) {
  const dir = await tempDir();
  const input = join(dir, 'book.txt');
  // Several chunks: the mapper holds the first while the file changes under the read.
  await writeFile(input, 'many words in a line\n'.repeat(200_000) + 'lastword\n');
  const out = join(dir, 'out');
  const gate = join(dir, 'go');
  const job = runGomr(['run', '--input', input, '--workers', '1', '--mappers', '1', '--param', `gate=${gate}`, '--quiet', '--output', out, gated], { timeoutMs: 120_000 });
  const lock = join(dirname(out), `.${basename(out)}.gomr-lock`);
  const end = Date.now() + 60_000;
  while (!existsSync(lock) && Date.now() < end) await sleep(50);
  await change(input);
  await writeFile(gate, '');
  const r = await job;
  await assert.rejects(access(out), 'no output');
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(r.code, 3, `exit 3 (input); stderr:\n${r.stderr}`);
  assert.equal(lines.length, 1, r.stderr);
  return lines[0]!;
}

test('an input truncated while the job runs fails it with exit 3, naming the file and sizes', async () => {
  const line = await changedMidJob((input) => truncate(input, 1000));
  assert.match(line, /input book\.txt changed while the job ran: 4200009 bytes when the job was planned, 1000 now/);
});

test('an input appended to while the job runs fails it with exit 3', async () => {
  const line = await changedMidJob((input) => writeFile(input, 'more words\n', { flag: 'a' }));
  assert.match(line, /input book\.txt changed while the job ran: 4200009 bytes when the job was planned, 4200020 now/);
});

test('an input rewritten with the same size while the job runs fails it with exit 3 (its modification time changed)', async () => {
  const line = await changedMidJob(async (input) => {
    const fd = await open(input, 'r+');
    await fd.write('MANY', 0); // same size, other words
    // A modification time surely after the planned one, however coarse the file system's clock.
    await fd.utimes(new Date(), new Date(Date.now() + 5000));
    await fd.close();
  });
  assert.match(line, /input book\.txt was modified while the job ran \(modification time .* when planned, .* now\)/);
});

test('an input deleted while the job runs fails it with exit 3', async () => {
  const line = await changedMidJob((input) => rm(input));
  assert.match(line, /input book\.txt was deleted while the job ran/);
});
