import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir, unescapeText } from './support/run-gomr.js';

/**
 * Map-only jobs (--reducers 0) through the real CLI: one part-m-NNNNN per map task, in input
 * order, records in emit order; every line exactly once even when attempts fail or workers die.
 */

const worker = join(repoRoot, 'packages/cli/test/fixtures/map-only-worker.ts');
const wordcount = join(repoRoot, 'examples/wordcount/worker.ts');

async function inputs(): Promise<{ dir: string; lines: string[] }> {
  const dir = await tempDir();
  const lines: string[] = [];
  for (const [name, n] of [['a.txt', 700], ['b.txt', 300], ['c.txt', 1200]] as const) {
    const mine = Array.from({ length: n }, (_, i) => `${name} line ${i} ${'é'.repeat(i % 4)}\t\\`);
    lines.push(...mine);
    await writeFile(join(dir, name), mine.join('\n') + '\n');
  }
  return { dir, lines };
}

/** The output's keys, part after part, and the part names. */
async function readParts(out: string): Promise<{ parts: string[]; keys: string[] }> {
  const parts = (await readdir(out)).sort();
  const keys: string[] = [];
  for (const p of parts) {
    for (const line of (await readFile(join(out, p), 'utf8')).split('\n')) if (line) keys.push(unescapeText(line.slice(0, line.indexOf('\t'))));
  }
  return { parts, keys };
}

for (const mappers of [1, 6]) {
  test(`--reducers 0 --mappers ${mappers}: one part-m file per map task, the input's lines in input and emit order`, async () => {
    const { dir, lines } = await inputs();
    const out = join(await tempDir(), 'out');
    const home = await tempDir('gomr-home-');
    const r = await runGomr(['run', '--input', dir, '--reducers', '0', '--mappers', String(mappers), '--workers', '2', '--output', out, '--json', worker], { timeoutMs: 90_000, home });
    assert.equal(r.code, 0, r.stderr);
    const status = JSON.parse(r.stdout);
    // The saved summary says so too (gomr status, from the job's snapshot).
    const shown = await runGomr(['status', status.jobId], { home, timeoutMs: 30_000 });
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^ {2}reduces {3}none: a map-only job$/m);
    assert.doesNotMatch(shown.stdout, /shuffle/);
    const snapshot = JSON.parse((await runGomr(['status', status.jobId, '--json'], { home, timeoutMs: 30_000 })).stdout);
    assert.equal(snapshot.mapOnly, true);
    assert.equal(status.mapOnly, true);
    assert.equal(status.reduces.total, 0);
    const maps = Math.max(mappers, 3); // every input has a task
    assert.equal(status.maps.total, maps);
    const { parts, keys } = await readParts(out);
    assert.deepEqual(parts, Array.from({ length: maps }, (_, i) => `part-m-${String(i).padStart(5, '0')}`));
    assert.deepEqual(keys, lines);
    assert.equal(status.counters.outputRecords, lines.length);
  });
}

test('map-only, the first attempt of every task failing after half its output: each line still exactly once', async () => {
  const { dir, lines } = await inputs();
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', '--input', dir, '--reducers', '0', '--mappers', '4', '--workers', '2', '--param', 'fail=first', '--output', out, worker], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /tasks\s+4 map, no reduce \(map-only\) \(4 failed attempts\)/);
  assert.doesNotMatch(r.stdout, /shuffle|reduce\s+\d/, 'no shuffle or reduce lines in the summary');
  assert.deepEqual((await readParts(out)).keys, lines);
});

test('map-only, the first attempt of every task killing its worker midway: each line still exactly once', async () => {
  const { dir, lines } = await inputs();
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', '--input', dir, '--reducers', '0', '--mappers', '3', '--workers', '2', '--param', 'kill=first', '--output', out, '--quiet', worker], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await readParts(out)).keys, lines);
});

test('a worker file without a reducer and --reducers above 0 is refused with one line (exit 4)', async () => {
  const { dir } = await inputs();
  const r = await runGomr(['run', '--input', dir, '--reducers', '2', '--output', join(await tempDir(), 'out'), '--quiet', worker], { timeoutMs: 60_000 });
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr.trim(), /^gomr: bad worker file: it defines no reducer; run it as a map-only job with --reducers 0 \(it was given 2\)$/);
});

test('--reducers 0 with a worker that has a reducer: map output as it is, unsorted, uncombined', async () => {
  const dir = await tempDir();
  await writeFile(join(dir, 'w.txt'), 'b a b\nc\n');
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', '--input', dir, '--reducers', '0', '--output', out, '--quiet', wordcount], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(await readFile(join(out, 'part-m-00000'), 'utf8'), 'b\t1\na\t1\nb\t1\nc\t1\n');
});
