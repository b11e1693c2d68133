import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGomr, tempDir } from './support/run-gomr.js';

/**
 * User code that calls process.exit(): in the thread that runs user code it would end only that
 * thread, leaving "executor thread exited with code N" and nothing to act on. It fails its task
 * like a throw instead: the message names the call and where it happened, the stack is the user's.
 */

async function exitingJob(where: 'mapper' | 'reducer') {
  const dir = await tempDir();
  const worker = join(dir, 'exits.ts');
  await writeFile(
    worker,
    `import { run } from '@gomr/sdk';
run({
  mapper(ctx, chunk: string) {
    if (${where === 'mapper'} && chunk.includes('stop')) process.exit(3);
    for (const w of chunk.split(/\\s+/)) if (w) ctx.emit(w, 1);
  },
  reducer(ctx, key, values: number[]) {
    if (${where === 'reducer'} && key === 'stop') process.exit(4);
    ctx.emit(key, values.length);
  },
});
`,
  );
  const input = join(dir, 'in.txt');
  await writeFile(input, 'go on\n'.repeat(50) + 'now stop here\n');
  const out = join(dir, 'out');
  const r = await runGomr(['run', '--input', input, '--mappers', '1', '--max-attempts', '2', '--output', out, '--quiet', worker], { timeoutMs: 60_000 });
  await assert.rejects(access(out), 'no output directory');
  return r;
}

test('a mapper calling process.exit fails its task, naming the call, input and offset', async () => {
  const r = await exitingJob('mapper');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^gomr: .*mapper failed in task m-00000 after 2 attempts \(input in\.txt, chunk at byte 0\): process\.exit\(3\) called in user code/m);
  assert.match(r.stderr, /exits\.ts:4/, 'the stack points at the call');
});

test('a reducer calling process.exit fails its task, naming the call and key', async () => {
  const r = await exitingJob('reducer');
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /^gomr: .*reducer failed in task r-00000 after 2 attempts \(key "stop"\): process\.exit\(4\) called in user code/m);
  assert.match(r.stderr, /exits\.ts:8/);
});
