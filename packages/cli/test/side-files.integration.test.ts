import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startS3rver } from '@gomr/storage/testing';
import { readOutput, repoRoot, runGomr, tempDir } from './support/run-gomr.js';

const data = join(repoRoot, 'examples/data');
const texts = ['river.txt', 'lighthouse.txt', 'market.txt'].map((f) => join(data, f));
const stopWorker = join(repoRoot, 'packages/cli/test/fixtures/stop-words-worker.ts');
const STOP = ['the', 'and', 'a', 'of', 'to', 'in'];

/** A --file directory (stop/en.txt) and options.json, in a fresh folder. */
async function stopFiles(): Promise<{ dir: string; options: string }> {
  const root = await tempDir();
  const dir = join(root, 'stop');
  await mkdir(dir);
  await writeFile(join(dir, 'en.txt'), STOP.join('\n') + '\n');
  await writeFile(join(dir, '.hidden'), 'ignored');
  const options = join(root, 'options.json');
  await writeFile(options, JSON.stringify({ minLength: 2 }));
  return { dir, options };
}

async function expectedCounts(): Promise<{ counts: Map<string, number>; stopped: number }> {
  const counts = new Map<string, number>();
  let stopped = 0;
  for (const f of texts) {
    for (const w of (await readFile(f, 'utf8')).toLowerCase().split(/[^\p{L}]+/u)) {
      if (!w || w.length < 2) continue;
      if (STOP.includes(w)) stopped++;
      else counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return { counts, stopped };
}

test('--file: examples/join joins sales with products.csv, as a nested loop over both does', async () => {
  const out = join(await tempDir(), 'out');
  const products = join(repoRoot, 'examples/join/products.csv');
  const r = await runGomr(['run', '-i', join(data, 'sales.csv'), '--file', products, '-w', '2', '-m', '4', '-r', '2', '-o', out, join(repoRoot, 'examples/join/worker.ts')]);
  assert.equal(r.code, 0, r.stderr);
  const table = new Map((await readFile(products, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',') as [string, string]));
  const sums = new Map<string, number>();
  let unknown = 0;
  for (const row of (await readFile(join(data, 'sales.csv'), 'utf8')).trim().split('\n').slice(1)) {
    const [, amount, product] = row.split(',');
    const category = table.get(product!);
    if (category === undefined) unknown++;
    else sums.set(category, (sums.get(category) ?? 0) + Number(amount));
  }
  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), sums);
  assert.match(r.stdout, new RegExp(`unknown product\\s+${unknown}\\b`));
});

test('--file DIR and a JSON file: a stop-word list read through text, json and path', async () => {
  const { dir, options } = await stopFiles();
  const out = join(await tempDir(), 'out');
  const r = await runGomr(['run', ...texts.flatMap((t) => ['-i', t]), '--file', dir, '--file', options, '-w', '2', '-m', '5', '-r', '3', '-o', out, stopWorker]);
  assert.equal(r.code, 0, r.stderr);
  const { counts, stopped } = await expectedCounts();
  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), counts);
  assert.match(r.stdout, new RegExp(`stop words\\s+${stopped}\\b`));
});

test('--file on S3 storage: uploaded with the job, fetched by each worker', async () => {
  const s3 = await startS3rver();
  try {
    const { dir, options } = await stopFiles();
    const out = join(await tempDir(), 'out');
    const r = await runGomr([
      'run', ...texts.flatMap((t) => ['-i', t]), '--file', dir, '--file', options, '-w', '2', '-m', '4', '-r', '2',
      '--storage', 's3', '--s3-endpoint', s3.config.endpoint, '--s3-bucket', 'gomr-test',
      '--s3-access-key', s3.config.accessKey, '--s3-secret-key', s3.config.secretKey, '-o', out, stopWorker,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { lines } = await readOutput(out);
    assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), (await expectedCounts()).counts);
  } finally {
    await s3.stop();
  }
});

test('--file errors: a missing path (exit 3), two files under one name (exit 3), a name the job lacks (exit 1)', async () => {
  const { dir, options } = await stopFiles();
  const missing = await runGomr(['run', '-i', texts[0]!, '--file', join(dir, 'nope.txt'), stopWorker]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^gomr: side file not found: .*nope\.txt$/m);
  const twice = await runGomr(['run', '-i', texts[0]!, '--file', dir, '--file', options, '--file', options.replace('options.json', 'stop/../options.json'), stopWorker]);
  assert.equal(twice.code, 0, 'the same file twice is one file');
  const other = join(await tempDir(), 'options.json');
  await writeFile(other, '{}');
  const clash = await runGomr(['run', '-i', texts[0]!, '--file', options, '--file', other, stopWorker]);
  assert.equal(clash.code, 3);
  assert.match(clash.stderr, /two side files share the name options\.json/);
  const lacks = await runGomr(['run', '-i', texts[0]!, '--file', dir, '--file', options, '--max-attempts', '1', '-p', 'ask=lookup.csv', stopWorker]);
  assert.equal(lacks.code, 1);
  assert.match(lacks.stderr, /ctx\.files: no side file "lookup\.csv"; the job has "stop\/en\.txt", "options\.json"/);
});

test('--file with --sort total: the mapper reads its side files while keys are sampled too', async () => {
  const out = join(await tempDir(), 'out');
  const products = join(repoRoot, 'examples/join/products.csv');
  const r = await runGomr(['run', '-i', join(data, 'sales.csv'), '--file', products, '-w', '2', '-r', '2', '--sort', 'total', '-o', out, join(repoRoot, 'examples/join/worker.ts')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /sort total: \d+ keys sampled, 1 cut point: "fruit"/);
  const { lines } = await readOutput(out);
  assert.deepEqual(lines.map((l) => `${l.part} ${l.key}`), ['part-00000 bakery', 'part-00000 dairy', 'part-00001 fruit']);
});
