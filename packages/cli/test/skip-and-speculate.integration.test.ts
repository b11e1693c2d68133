import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countWords, readOutput, runGomr, tempDir } from './support/run-gomr.js';

test('--skip-bad-records leaves out only the lines whose mapper call throws, and reports them', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'picky.ts');
  await writeFile(worker, `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk) {
    if (chunk.includes('poison')) throw new Error('poisoned line');
    for (const w of chunk.split(/[^\\p{L}]+/u)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`);
  const good = 'alpha beta\ngamma alpha\n'.repeat(50);
  const input = join(dir, 'in.txt');
  await writeFile(input, good + 'a poison pill here\n' + good);
  const out = join(dir, 'out');
  const failed = await runGomr(['run', '--input', input, '--mappers', '1', '--max-attempts', '2', '--output', out, worker]);
  assert.equal(failed.code, 1, 'without the flag the job fails');
  const r = await runGomr(['run', '--input', input, '--mappers', '1', '--max-attempts', '2', '--skip-bad-records', '--output', out, worker]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /skipped\s+1 bad records/);
  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), countWords([good, good]));
});

test('a straggler gets a speculative backup, the backup wins, and the job does not wait for it', async () => {
  const dir = await tempDir();
  const worker = join(dir, 'straggler.ts');
  const log = join(dir, 'runs.log');
  // The first attempt of map task 3 hangs (as on a sick machine); every other attempt is fast.
  await writeFile(worker, `import { run } from '@gomr/sdk';
import { appendFileSync } from 'node:fs';
run({
  async mapper(ctx, chunk) {
    appendFileSync(ctx.params.log, ctx.taskId + ' ' + ctx.attempt + '\\n');
    if (ctx.taskId === 'm-00003' && ctx.attempt === 1) await new Promise((r) => setTimeout(r, 120_000));
    for (const w of chunk.split(/[^\\p{L}]+/u)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values) { ctx.emit(key, values.length); },
});
`);
  const inputs: string[] = [];
  const texts: string[] = [];
  for (let i = 0; i < 4; i++) {
    const text = `file ${i} has words\n`.repeat(20);
    texts.push(text);
    inputs.push(join(dir, `in-${i}.txt`));
    await writeFile(inputs[i]!, text);
  }
  const out = join(dir, 'out');
  const r = await runGomr(['run', ...inputs.flatMap((i) => ['--input', i]), '--workers', '2', '--mappers', '4', '--param', `log=${log}`, '--output', out, worker], { timeoutMs: 90_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.ms < 60_000, `took ${r.ms} ms: the job waited for the straggler`);
  const { lines } = await readOutput(out);
  assert.deepEqual(new Map(lines.map((l) => [l.key, Number(l.value)])), countWords(texts));
  const runs = (await readFile(log, 'utf8')).trim().split('\n');
  assert.deepEqual(runs.filter((l) => l.startsWith('m-00003')), ['m-00003 1', 'm-00003 2']);
  assert.equal(runs.length, 5, 'only the straggler ran twice');
});
