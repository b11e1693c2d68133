import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, runGomr, tempDir } from './support/run-gomr.js';

/**
 * User code that fails outside its own call (a throw in a timer, a rejection nobody awaits, an
 * emit after the call returned) fails the task that was running, with the user's error, stack
 * and location; it is neither lost (exit 0, a record dropped) nor a false "process.exit()".
 */

const worker = join(repoRoot, 'packages/cli/test/fixtures/async-error-worker.ts');

async function job(what: string, where: 'map' | 'reduce' = 'map') {
  const dir = await tempDir();
  const input = join(dir, 'in.txt');
  // The poison in the first chunk, then more chunks: the task is still reading when the timer fires.
  await writeFile(input, 'a poison line\n' + 'fine line\n'.repeat(200_000));
  const out = join(dir, 'out');
  const r = await runGomr(
    ['run', '--input', input, '--mappers', '1', '--max-attempts', '2', '--param', `what=${what}`, '--param', `where=${where}`, '--quiet', '--output', out, worker],
    { timeoutMs: 90_000 },
  );
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('gomr:'));
  assert.equal(r.code, 1, `exit 1 (the job failed); stderr:\n${r.stderr}`);
  assert.equal(lines.length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /process\.exit|exited with code/);
  await assert.rejects(access(out), 'no output on failure');
  return { line: lines[0]!, stderr: r.stderr };
}

test('a throw in a setTimeout inside a mapper fails its task, with the error, stack and location', async () => {
  const { line, stderr } = await job('timer');
  assert.match(line, /mapper failed in task m-00000 after 2 attempts \(input in\.txt, chunk at byte 0\): uncaught exception in user code, outside its call .*: boom in a timer/);
  assert.match(stderr, /async-error-worker\.ts:\d+/, 'the stack points into the user file');
});

test('an unhandled rejection inside a mapper fails its task, with the error and location', async () => {
  const { line, stderr } = await job('rejection');
  assert.match(line, /mapper failed in task m-00000 after 2 attempts \(input in\.txt, chunk at byte 0\): unhandled promise rejection in user code .*: a rejection nobody awaits/);
  assert.match(stderr, /async-error-worker\.ts:\d+/);
});

test('an emit after the mapper returned is refused, failing the task', async () => {
  const { line } = await job('late-emit');
  assert.match(line, /mapper failed in task m-00000 .*ctx\.emit\("late"\) called after the mapper call returned/);
});

test('a throw in a setTimeout inside a reducer fails its task, naming the key', async () => {
  const { line } = await job('timer', 'reduce');
  assert.match(line, /reducer failed in task r-00000 after 2 attempts \(key "poison"\): uncaught exception in user code, outside its call .*: boom in a timer/);
});
