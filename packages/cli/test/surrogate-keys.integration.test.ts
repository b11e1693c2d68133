import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGomr, tempDir } from './support/run-gomr.js';

/**
 * A key with a lone UTF-16 surrogate (what `word[0]` gives for an astral letter) has no
 * UTF-8 form: written as U+FFFD it would merge with every other such key. emit refuses it.
 */

async function firstLetterJob(where: 'map' | 'reduce') {
  const dir = await tempDir();
  const worker = join(dir, 'first-letter.ts');
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk: string) {
    for (const w of chunk.split(/[^\\p{L}]+/u)) if (w) ctx.emit(${where === 'map' ? 'w[0]!' : 'w'}, 1);
  },
  reducer(ctx, key: string, values: number[]) {
    ctx.emit(${where === 'reduce' ? 'key[0]!' : 'key'}, values.length);
  },
});
`,
  );
  const input = join(dir, 'letters.txt');
  // Two astral letters whose high surrogates differ, and one that shares the first's.
  await writeFile(input, 'plain words first\n'.repeat(50) + 'then 𝒜𝒷𝒸 and 𐐷 and 𝒟 here\n');
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', input, '--mappers', '1', '--reducers', '1', '--max-attempts', '1', '--output', out, '--quiet', worker], {
    timeoutMs: 60_000,
  });
  return { r, out, input };
}

test('a mapper emitting a key with a lone surrogate fails the job, naming task, input and offset', async () => {
  const { r, out } = await firstLetterJob('map');
  assert.equal(r.code, 1, `exit 1 (the job failed); stderr:\n${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /mapper failed in task m-00000 after 1 attempt.*\(input letters\.txt, chunk at byte 0\)/);
  assert.match(lines[0]!, /lone UTF-16 surrogate \\ud835 at index 0/);
  assert.match(r.stderr, /first-letter\.ts:\d+/, 'the stack points into the user file');
  await assert.rejects(access(out), 'no output on failure');
});

test('a reducer emitting a key with a lone surrogate fails the job, naming task and key', async () => {
  const { r } = await firstLetterJob('reduce');
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, /reducer failed in task r-00000 after 1 attempt.*lone UTF-16 surrogate/);
});
