import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jobDirIn } from './support/job-watch.js';
import { runGomr, tempDir } from './support/run-gomr.js';

/** Counters a user can read: ctx.count in a combiner, and what --skip-bad-records reports. */

test('ctx.count inside a combiner is counted', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'counting.ts');
  await writeFile(
    worker,
    `import { run, type Context } from '@gomr/sdk';
function sum(ctx: Context, key: string, values: number[]) { ctx.emit(key, values.reduce((a, b) => a + b, 0)); }
run({
  mapper(ctx, chunk: string) { for (const w of chunk.split(/\\s+/)) if (w) { ctx.count('mapped'); ctx.emit(w, 1); } },
  combiner(ctx, key, values: number[]) { ctx.count('combined keys'); ctx.count('combined values', values.length); sum(ctx, key, values); },
  reducer: sum,
});
`,
  );
  const input = join(dir, 'in.txt');
  // Every key twice or more: each gets a combiner call (a single value need not).
  await writeFile(input, 'a b a\nc a b c\n');
  const r = await runGomr(['run', '--input', input, '--mappers', '1', '--json', '--output', join(dir, 'out'), worker], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const status = JSON.parse(r.stdout) as { userCounters: Record<string, number> };
  assert.equal(Number(status.userCounters.mapped), 7);
  assert.equal(Number(status.userCounters['combined keys']), 3, 'one combiner call per key');
  assert.equal(Number(status.userCounters['combined values']), 7);
});

test('--skip-bad-records counts a skipped reduce key as one record, as the summary lists it', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'picky-reducer.ts');
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk: string) { for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1); },
  reducer(ctx, key, values: number[]) { if (key === 'poison') throw new Error('bad key'); ctx.emit(key, values.length); },
});
`,
  );
  const input = join(dir, 'in.txt');
  await writeFile(input, 'poison ok poison\npoison fine\n');
  const home = await tempDir('gomr-home-');
  const r = await runGomr(['run', '--input', input, '--max-attempts', '1', '--skip-bad-records', '--output', join(dir, 'out'), worker], { home, timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  const { jobId } = await jobDirIn(home);
  const summary = JSON.parse(await readFile(join(home, 'store/jobs', jobId, 'summary.json'), 'utf8')) as { skipped: unknown[] };
  assert.equal(summary.skipped.length, 1);
  assert.match(r.stdout, /skipped\s+1 bad records \(3 values of skipped keys\)/);
});
