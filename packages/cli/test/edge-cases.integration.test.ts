import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { assertSortedByUtf8, countWords, readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');

async function wordcountOf(files: Record<string, string | Buffer>, flags: string[]) {
  const dir = await tempDir();
  const inputs: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    await writeFile(join(dir, name), content);
    inputs.push(join(dir, name));
  }
  const out = join(dir, 'out');
  const r = await runGomr(['run', ...inputs.flatMap((i) => ['--input', i]), ...flags, '--output', out, wordcount]);
  return { r, out, dir };
}

function expectCounts(lines: { key: string; value: string }[], texts: string[]): void {
  const expected = countWords(texts);
  const got = new Map(lines.map((l) => [l.key, Number(l.value)]));
  assert.equal(got.size, lines.length, 'duplicate key in output');
  assert.deepEqual([...got.entries()].sort(), [...expected.entries()].sort());
}

test('an empty input gives R empty part files', async () => {
  const { r, out } = await wordcountOf({ 'empty.txt': '' }, ['--reducers', '3', '--mappers', '4']);
  assert.equal(r.code, 0, r.stderr);
  const { files, lines } = await readOutput(out);
  assert.equal(files.length, 3);
  assert.equal(lines.length, 0);
});

test('one 10 MB line is read whole by exactly one map task', async () => {
  const words = Array.from({ length: 1_800_000 }, (_, i) => ['alpha', 'beta', 'gamma', 'delta'][i % 4] + (i % 7 === 0 ? 'x' : '')).join(' ');
  const text = `first line\n${words}\nlast line\n`;
  assert.ok(Buffer.byteLength(text) > 10 * 1024 * 1024, 'the line is over 10 MB');
  const { r, out } = await wordcountOf({ 'huge.txt': text }, ['--mappers', '16', '--reducers', '2']);
  assert.equal(r.code, 0, r.stderr);
  const { lines } = await readOutput(out);
  expectCounts(lines, [text]);
});

test('non-ASCII text: keys survive and sort in UTF-8 byte order', async () => {
  const text = [
    'Ärger über Öl und Übermut', 'naïve café résumé', 'Ελληνικά γράμματα και λέξεις', 'русский текст и слова',
    '日本語のテキスト', 'emoji 𝒜𝒷𝒸 and 𐐷 surrogate letters', 'ﬁ ligature ｆｕｌｌ width', 'zebra Zebra ZEBRA',
  ].join('\n');
  const { r, out } = await wordcountOf({ 'intl.txt': text }, ['--mappers', '3', '--reducers', '2']);
  assert.equal(r.code, 0, r.stderr);
  const { lines } = await readOutput(out);
  assertSortedByUtf8(lines);
  expectCounts(lines, [text]);
  assert.ok(lines.some((l) => l.key === '𝒜𝒷𝒸'));
});

test('M larger than the number of lines loses and duplicates nothing', async () => {
  const text = 'one two\nthree\n\nfour five six\nseven';
  const { r, out } = await wordcountOf({ 'few.txt': text, 'other.txt': 'two three\n' }, ['--mappers', '64', '--reducers', '1']);
  assert.equal(r.code, 0, r.stderr);
  const { lines } = await readOutput(out);
  expectCounts(lines, [text, 'two three\n']);
  assert.match(r.stdout, /(\d+) map/);
  assert.ok(Number(/(\d+) map/.exec(r.stdout)![1]) > 10, 'expected many map tasks');
});

test('a mapper that throws fails the job with the user message, stack and location', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'throws.ts');
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
function mapper(ctx: any, chunk: string) {
  if (chunk.includes('poison')) throw new Error('found poison in the input');
  for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1);
}
run({ mapper, reducer(ctx: any, k: string, v: number[]) { ctx.emit(k, v.length); } });
`,
  );
  const input = join(dir, 'in.txt');
  await writeFile(input, 'fine line\n'.repeat(100) + 'a poison line\n' + 'more\n'.repeat(10));
  const r = await runGomr(['run', '--input', input, '--max-attempts', '2', '--mappers', '1', '--output', join(dir, 'out'), worker]);
  assert.equal(r.code, 1, r.stderr);
  const first = r.stderr.split('\n').find((l) => l.startsWith('gomr:'))!;
  assert.match(first, /found poison in the input/);
  assert.match(first, /m-00000/);
  assert.match(first, /in\.txt/);
  assert.match(first, /byte 0/);
  assert.match(r.stderr, /throws\.ts:3/, 'stack points into the user file');
  await assert.rejects(readOutput(join(dir, 'out')), 'no output directory on failure');
});

test('a reducer emitting keys other than its own still gives sorted part files', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'by-count.ts');
  // Keys become "count:word", which sorts nothing like the words themselves.
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk) { for (const w of chunk.split(/[^\\p{L}]+/u)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key, values) { ctx.emit(String(values.length).padStart(4, '0') + ':' + key, key.length); },
});
`,
  );
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', join(repoRoot, 'examples/data/river.txt'), '--reducers', '2', '--output', out, worker]);
  assert.equal(r.code, 0, r.stderr);
  const { lines } = await readOutput(out);
  assertSortedByUtf8(lines);
  const expected = countWords([await readFile(join(repoRoot, 'examples/data/river.txt'), 'utf8')]);
  assert.equal(lines.length, expected.size);
  for (const l of lines) {
    const [n, word] = l.key.split(':') as [string, string];
    assert.equal(Number(n), expected.get(word));
  }
});

test('the default plan: a small input is one map task', async () => {
  const line = 'lorem ipsum dolor sit amet\n';
  const text = line.repeat(Math.floor((3 << 20) / line.length));
  const r = await wordcountOf({ 'small.txt': text }, ['--workers', '2', '--json', '--quiet']);
  assert.equal(r.r.code, 0, r.r.stderr);
  assert.equal(JSON.parse(r.r.stdout).maps.total, 1);
  expectCounts((await readOutput(r.out)).lines, [text]);
});

test('without --workers, one worker per CPU', async () => {
  const dir = await tempDir();
  const text = 'one two three\n'.repeat(100);
  await writeFile(join(dir, 'few.txt'), text);
  const home = join(dir, 'home');
  const r = await runGomr(['run', '--input', join(dir, 'few.txt'), '--json', '--quiet', '--output', join(dir, 'out'), wordcount], { home });
  assert.equal(r.code, 0, r.stderr);
  // Every worker started has its log (one that had not registered when the job ended is stopped, but was started).
  const jobDir = join(home, 'jobs', JSON.parse(r.stdout).jobId);
  const logs = (await readdir(jobDir)).filter((f) => /^worker-\d+\.log$/.test(f));
  assert.equal(logs.length, availableParallelism());
  expectCounts((await readOutput(join(dir, 'out'))).lines, [text]);
});

test('the unbundled runtime (GOMR_UNBUNDLED_RUNTIME=1, or stale bundles) runs a job the same way', async () => {
  const dir = await tempDir();
  const input = join(dir, 'in.txt');
  await writeFile(input, 'a b a\nc a\n');
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', input, '--output', out, '--quiet', wordcount], { env: { GOMR_UNBUNDLED_RUNTIME: '1' } });
  assert.equal(r.code, 0, r.stderr);
  expectCounts((await readOutput(out)).lines, ['a b a\nc a\n']);
});
