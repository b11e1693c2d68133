import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

const data = join(repoRoot, 'examples/data');
const texts = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(data, f));

async function runExample(example: string, inputs: string[], flags: string[] = [], env?: NodeJS.ProcessEnv) {
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '2', '--mappers', '5', ...flags, '--output', out, join(repoRoot, 'examples', example, 'worker.ts')], { env });
  assert.equal(r.code, 0, r.stderr);
  return { ...(await readOutput(out)), r };
}

test('indexer: each word maps to the sorted list of files containing it', async () => {
  const { lines } = await runExample('indexer', texts, ['--reducers', '3']);
  const expected = new Map<string, Set<string>>();
  for (const path of texts) {
    for (const w of (await readFile(path, 'utf8')).toLowerCase().split(/[^\p{L}]+/u)) {
      if (w) (expected.get(w) ?? expected.set(w, new Set()).get(w)!).add(basename(path));
    }
  }
  assert.equal(lines.length, expected.size);
  for (const l of lines) assert.deepEqual(JSON.parse(l.value), [...expected.get(l.key)!].sort(), l.key);
  assert.deepEqual(JSON.parse(lines.find((l) => l.key === 'the')!.value), ['lighthouse.txt', 'market.txt', 'river.txt']);
});

test('grep: matching lines by file, in file order, pattern from --param', async () => {
  const { lines, r } = await runExample('grep', texts, ['--reducers', '2', '--param', 'pattern=\\b(river|bell)\\b', '--param', 'flags=i']);
  const re = /\b(river|bell)\b/i;
  const expected: string[] = [];
  for (const path of texts) {
    for (const line of (await readFile(path, 'utf8')).split('\n')) if (re.test(line)) expected.push(`${basename(path)}\t${line}`);
  }
  const got = lines.map((l) => `${l.key}\t${l.value}`);
  assert.deepEqual([...got].sort(), [...expected].sort());
  // Within a file, lines keep their order.
  for (const f of ['river.txt', 'lighthouse.txt']) {
    assert.deepEqual(got.filter((g) => g.startsWith(f)), expected.filter((e) => e.startsWith(f)));
  }
  assert.match(r.stdout, new RegExp(`matching lines\\s+${expected.length}`));
});

test('grep: the pattern may come from the environment', async () => {
  const { lines } = await runExample('grep', [join(data, 'market.txt')], ['--reducers', '1'], { GOMR_GREP_PATTERN: 'bread' });
  assert.equal(lines.length, 2);
});

test('sum-by-key: a numeric CSV column summed per group', async () => {
  const csv = join(data, 'sales.csv');
  const { lines, r } = await runExample('sum-by-key', [csv], ['--reducers', '2', '--param', 'key=0', '--param', 'value=1']);
  const expected = new Map<string, number>();
  for (const row of (await readFile(csv, 'utf8')).trim().split('\n').slice(1)) {
    const [region, amount] = row.split(',');
    expected.set(region!, (expected.get(region!) ?? 0) + Number(amount));
  }
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), expected);
  assert.match(r.stdout, /skipped rows\s+1\b/, 'the header row is skipped and counted');
});

test('top-words: two steps (count, then rank with one reducer) give the top N counted here', async () => {
  const { lines, files, r } = await runExample('top-words', texts, ['--reducers', '3', '--param', 'n=12']);
  const counts = new Map<string, number>();
  for (const path of texts) {
    for (const word of (await readFile(path, 'utf8')).toLowerCase().split(/[^\p{L}']+/u)) {
      const w = word.replace(/^'+|'+$/g, '');
      if (w) counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  const expected = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 12);
  assert.deepEqual(lines.map((l) => [l.key, JSON.parse(l.value)]), expected.map((e, i) => [String(i + 1).padStart(2, '0'), e]));
  assert.equal(files.length, 1, 'step 2 has one reducer: one part file, whatever --reducers says');
  assert.match(r.stdout, /in 2 steps/);
});
