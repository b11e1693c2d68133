import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertSortedByUtf8, countWords, readOutput, repoRoot, runGomr, sharedData, tempDir } from './support/run-gomr.js';

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');

async function checkWordcount(inputs: string[], flags: string[]): Promise<{ stdout: string; stderr: string }> {
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', ...inputs.flatMap((i) => ['--input', i]), ...flags, '--output', out, wordcount]);
  assert.equal(r.code, 0, r.stderr);
  const texts: string[] = [];
  for (const input of inputs) {
    const files = existsSync(join(input, '.')) && (await readdir(input).catch(() => null));
    if (files) for (const f of files.sort()) texts.push(await readFile(join(input, f), 'utf8'));
    else texts.push(await readFile(input, 'utf8'));
  }
  const expected = countWords(texts);
  const { lines } = await readOutput(out);
  assertSortedByUtf8(lines);
  const got = new Map(lines.map((l) => [l.key, Number(l.value)]));
  assert.equal(got.size, lines.length, 'a key appears in two lines');
  assert.equal(got.size, expected.size);
  for (const [word, n] of expected) assert.equal(got.get(word), n, `count of ${word}`);
  return r;
}

test('word count of the shipped sample texts matches an independent count', async () => {
  const data = join(repoRoot, 'examples/data');
  const r = await checkWordcount(
    ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(data, f)),
    ['--workers', '2', '--mappers', '5', '--reducers', '3'],
  );
  assert.match(r.stdout, /job \S+ succeeded/);
  assert.match(r.stdout, /output\s+\d+ records/);
});

test('word count of the Gutenberg books matches an independent count', { skip: !existsSync(sharedData) && 'no ../shared/data' }, async () => {
  const out = await tempDir();
  const r = await checkWordcount([sharedData], ['--workers', '3', '--mappers', '8', '--reducers', '4']);
  assert.match(r.stdout, /8 map, 4 reduce|\d+ map, 4 reduce/);
  void out;
});

test('all R part files exist, even when some are empty, and R = 1 works', async () => {
  const data = join(repoRoot, 'examples/data/market.txt');
  for (const reducers of [1, 7]) {
    const out = join(await tempDir(), 'out');
    const r = await runGomr(['run', '--input', data, '--reducers', String(reducers), '--workers', '1', '--output', out, wordcount]);
    assert.equal(r.code, 0, r.stderr);
    const { files } = await readOutput(out);
    assert.deepEqual(files, Array.from({ length: reducers }, (_, i) => `part-${String(i).padStart(5, '0')}`));
  }
});
