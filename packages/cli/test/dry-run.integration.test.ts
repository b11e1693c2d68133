import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

const worker = join(repoRoot, 'examples/wordcount/worker.ts');
const data = join(repoRoot, 'examples/data');

test('run --dry-run --json: the plan a real run then follows, and nothing started', async () => {
  const home = await mkdtemp(join(tmpdir(), 'gomr-home-'));
  const out = join(await tempDir(), 'out');
  const args = ['run', '-i', data, '--workers', '2', '--mappers', '7', '--reducers', '3', '--output', out, worker];
  const dry = await runGomr([...args, '--dry-run', '--json'], { home });
  assert.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout);
  assert.equal(plan.dryRun, true);
  assert.deepEqual(plan.inputs.map((i: { name: string }) => i.name), ['lighthouse.txt', 'market.txt', 'river.txt', 'sales.csv']);
  // Splits: 7 tasks, each input cut into contiguous ranges that cover it exactly.
  assert.equal(plan.mapTasks.length, 7);
  for (const input of plan.inputs as { name: string; size: number }[]) {
    const ranges = plan.mapTasks.filter((t: { input: string }) => t.input === input.name);
    assert.equal(ranges[0].start, 0);
    assert.equal(ranges.at(-1).end, input.size);
    for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i].start, ranges[i - 1].end);
    assert.equal(input.size, (await stat(join(data, input.name))).size);
  }
  assert.deepEqual(plan.reduceTasks.map((r: { output: string }) => r.output), ['part-00000', 'part-00001', 'part-00002']);
  assert.equal(await stat(out).catch(() => null), null, 'no output directory');
  assert.deepEqual(await readdir(home).catch(() => []), [], 'no job folder: nothing ran');

  // The real run makes exactly the planned tasks.
  const real = await runGomr([...args, '--json', '--quiet'], { home });
  assert.equal(real.code, 0, real.stderr);
  const status = JSON.parse(real.stdout);
  assert.equal(status.maps.total, plan.mapTasks.length);
  assert.equal(status.reduces.total, plan.reduceTasks.length);
});

test('run --dry-run: text plan, the default map count, and errors as for a real run', async () => {
  const products = join(repoRoot, 'examples/join/products.csv');
  const dry = await runGomr(['run', '-i', join(data, 'river.txt'), '-i', join(data, 'sales.csv'), '--workers', '2', '--file', products, '--dry-run', worker]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^dry run: the plan; nothing was started$/m);
  assert.match(dry.stdout, /^inputs +2 files, /m);
  assert.match(dry.stdout, /^ {2}m-00000 +river\.txt +\[0, 829\) +829 B$/m);
  assert.match(dry.stdout, /^map tasks +2 \(target 1\)/m, 'the default for a small input: one task, and every input gets one');
  assert.match(dry.stdout, /^reduce tasks +1: part-00000$/m);
  assert.match(dry.stdout, /^side files +1\n {2}products\.csv +\d+ B +\S+products\.csv$/m);

  const many = join(await tempDir(), 'many.txt');
  await writeFile(many, 'line\n'.repeat(1000));
  const long = await runGomr(['run', '-i', many, '-m', '30', '--dry-run', worker]);
  assert.match(long.stdout, /^ {2}\.\.\. 10 more \(--json lists all\)$/m);

  const missing = await runGomr(['run', '-i', join(data, 'nope.txt'), '--dry-run', worker]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^gomr: input not found: .*nope\.txt$/m);
  const noWorker = await runGomr(['run', '-i', data, '--dry-run', join(data, 'absent.ts')]);
  assert.equal(noWorker.code, 4);
  assert.match(noWorker.stderr, /worker file not found/);
});
